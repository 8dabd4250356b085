-- Routing and cross-channel duplicates.
--
-- A tag's owner gets a contact (a chat handle, a mail address, a phone
-- extension) so a ticketing system can reach whoever owns a complaint.
ALTER TABLE tags ADD COLUMN owner_contact TEXT NOT NULL DEFAULT '';

-- Near-duplicates are looked for among the same customer's items in a few
-- days around a new item: this index makes that one range scan.
CREATE INDEX feedback_customer_created ON feedback (customer_id, created_at)
    WHERE customer_id IS NOT NULL;
