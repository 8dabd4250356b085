package store

import (
	"context"
	"testing"

	"github.com/voclens/voclens/models"
)

// FuzzCreateFeedback: whatever a client sends is either refused as invalid
// input or stored and read back byte for byte, and a second delivery of
// the same pair is recognised.
func FuzzCreateFeedback(f *testing.F) {
	f.Add("app", "1", "快递太慢了！", "渠道", "微信")
	f.Add("淘宝", "", "  ", "", "")
	f.Add("a", "x\x00y", "好\xff", "k", "v\u2028")
	f.Add("", "id", "😡😡 气死", "order", "")
	db, _ := openTestDB(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, source, externalID, text, metaKey, metaValue string) {
		item := &models.Feedback{Source: source, ExternalID: externalID, Text: text, Meta: map[string]string{metaKey: metaValue}}
		res, err := db.CreateFeedback(ctx, []*models.Feedback{item})
		if err != nil {
			if code := models.ErrorCode(err); code != models.EINVALID {
				t.Fatalf("code %q: %v", code, err)
			}
			return
		}
		if res.Created == 0 {
			return // an earlier input stored the same pair
		}
		got, err := db.FindFeedbackByID(ctx, res.IDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if got.Source != source || got.ExternalID != externalID || got.Text != text || got.Meta[metaKey] != metaValue {
			t.Fatalf("stored %+v, sent %+v", got, item)
		}
		if externalID == "" {
			return
		}
		again, err := db.CreateFeedback(ctx, []*models.Feedback{item})
		if err != nil || again.Existing != 1 || again.IDs[0] != res.IDs[0] {
			t.Fatalf("second delivery: %+v, %v", again, err)
		}
	})
}
