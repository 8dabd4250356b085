package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/mattn/go-sqlite3"

	"github.com/voclens/voclens/models"
)

var _ models.TagService = (*DB)(nil)

// Limits on what people type into the taxonomy: tag names are labels in
// tables and charts, keywords are short phrases.
const (
	maxTagNameLen  = 50
	maxTagTextLen  = 500
	maxTagKeywords = 500
	maxKeywordLen  = 50
)

// SeedTags stores tax's tags when the tags table is empty, in taxonomy
// order, and reports whether it did. cmd calls it with the built-in
// taxonomy on every start; after the first, people own the taxonomy and
// this does nothing (DeleteTag never empties the table).
func (db *DB) SeedTags(ctx context.Context, tax models.Taxonomy) (bool, error) {
	seeded := false
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for i, t := range tax.Tags {
			if err := validateTag(fmt.Sprintf("tags[%d]", i), t); err != nil {
				return err
			}
			if err := insertTag(ctx, tx, t); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: seed tags: %w", err)
	}
	return seeded, nil
}

// Taxonomy returns the stored tags as a taxonomy, in order.
func (db *DB) Taxonomy(ctx context.Context) (models.Taxonomy, error) {
	tags, err := db.FindTags(ctx, models.TagFilter{})
	if err != nil {
		return models.Taxonomy{}, err
	}
	return models.Taxonomy{Version: "store", Tags: tags}, nil
}

// FindTags returns the tags that match filter, in taxonomy order.
func (db *DB) FindTags(ctx context.Context, filter models.TagFilter) ([]models.Tag, error) {
	q := `SELECT name, parent, description, keywords, severity_weight, owner, owner_contact FROM tags WHERE 1=1`
	var args []any
	if filter.Name != "" {
		q += ` AND name = ?`
		args = append(args, filter.Name)
	}
	if filter.Parent != "" {
		q += ` AND parent = ?`
		args = append(args, filter.Parent)
	}
	rows, err := db.db.QueryContext(ctx, q+` ORDER BY position`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find tags: %w", err)
	}
	defer rows.Close()
	tags := []models.Tag{}
	for rows.Next() {
		var t models.Tag
		var kws string
		if err := rows.Scan(&t.Name, &t.Parent, &t.Description, &kws, &t.SeverityWeight, &t.Owner, &t.OwnerContact); err != nil {
			return nil, fmt.Errorf("store: find tags: %w", err)
		}
		if err := json.Unmarshal([]byte(kws), &t.Keywords); err != nil {
			return nil, fmt.Errorf("store: find tags: %s keywords: %w", t.Name, err)
		}
		if t.Keywords == nil {
			t.Keywords = []string{}
		}
		tags = append(tags, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find tags: %w", err)
	}
	return tags, nil
}

// CreateTag adds tag at the end of the taxonomy. ECONFLICT when the name
// exists, EINVALID when a field is bad or the parent is unknown.
func (db *DB) CreateTag(ctx context.Context, tag models.Tag) (models.Tag, error) {
	if tag.Keywords == nil {
		tag.Keywords = []string{}
	}
	if err := validateTag("tag", tag); err != nil {
		return models.Tag{}, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkParent(ctx, tx, tag.Name, tag.Parent); err != nil {
			return err
		}
		return insertTag(ctx, tx, tag)
	})
	if err != nil {
		return models.Tag{}, fmt.Errorf("store: create tag: %w", err)
	}
	return tag, nil
}

// UpdateTag changes the non-nil fields of upd on tag name.
func (db *DB) UpdateTag(ctx context.Context, name string, upd models.TagUpdate) (models.Tag, error) {
	var out models.Tag
	err := db.write(ctx, func(tx *sql.Tx) error {
		t, err := findTagTx(ctx, tx, name)
		if err != nil {
			return err
		}
		if upd.Parent != nil {
			t.Parent = *upd.Parent
		}
		if upd.Description != nil {
			t.Description = *upd.Description
		}
		if upd.Keywords != nil {
			t.Keywords = *upd.Keywords
			if t.Keywords == nil {
				t.Keywords = []string{}
			}
		}
		if upd.SeverityWeight != nil {
			t.SeverityWeight = *upd.SeverityWeight
		}
		if upd.Owner != nil {
			t.Owner = *upd.Owner
		}
		if upd.OwnerContact != nil {
			t.OwnerContact = *upd.OwnerContact
		}
		if err := validateTag("tag", t); err != nil {
			return err
		}
		if err := checkParent(ctx, tx, t.Name, t.Parent); err != nil {
			return err
		}
		kws, err := json.Marshal(t.Keywords)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE tags SET parent = ?, description = ?, keywords = ?, severity_weight = ?, owner = ?, owner_contact = ? WHERE name = ?`,
			t.Parent, t.Description, string(kws), t.SeverityWeight, t.Owner, t.OwnerContact, t.Name); err != nil {
			return err
		}
		out = t
		return nil
	})
	if err != nil {
		return models.Tag{}, fmt.Errorf("store: update tag: %w", err)
	}
	return out, nil
}

// DeleteTag removes tag name. ECONFLICT while another tag names it as its
// parent (delete or move the children first) or when it is the last tag: a
// taxonomy needs one. Its labels are kept (see the labels table).
func (db *DB) DeleteTag(ctx context.Context, name string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := findTagTx(ctx, tx, name); err != nil {
			return err
		}
		var children, total int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags WHERE parent = ?`, name).Scan(&children); err != nil {
			return err
		}
		if children > 0 {
			return models.Errorf(models.ECONFLICT, "tag %q is the parent of %d other tags; move or delete them first", name, children)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags`).Scan(&total); err != nil {
			return err
		}
		if total == 1 {
			return models.Errorf(models.ECONFLICT, "tag %q is the last tag; a taxonomy needs at least one", name)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE name = ?`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete tag: %w", err)
	}
	return nil
}

func insertTag(ctx context.Context, tx *sql.Tx, t models.Tag) error {
	if t.Keywords == nil {
		t.Keywords = []string{} // stored as [], never null
	}
	kws, err := json.Marshal(t.Keywords)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tags (name, parent, description, keywords, severity_weight, owner, owner_contact, position)
		VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM tags))`,
		t.Name, t.Parent, t.Description, string(kws), t.SeverityWeight, t.Owner, t.OwnerContact)
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey {
		return models.Errorf(models.ECONFLICT, "tag %q exists", t.Name)
	}
	return err
}

func findTagTx(ctx context.Context, tx *sql.Tx, name string) (models.Tag, error) {
	var t models.Tag
	var kws string
	err := tx.QueryRowContext(ctx, `SELECT name, parent, description, keywords, severity_weight, owner, owner_contact FROM tags WHERE name = ?`, name).
		Scan(&t.Name, &t.Parent, &t.Description, &kws, &t.SeverityWeight, &t.Owner, &t.OwnerContact)
	if errors.Is(err, sql.ErrNoRows) {
		return t, models.Errorf(models.ENOTFOUND, "tag %q not found", name)
	}
	if err != nil {
		return t, err
	}
	return t, json.Unmarshal([]byte(kws), &t.Keywords)
}

// checkParent requires parent to be another existing tag (or empty).
func checkParent(ctx context.Context, tx *sql.Tx, name, parent string) error {
	if parent == "" {
		return nil
	}
	if parent == name {
		return invalid("parent", "a tag cannot be its own parent")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags WHERE name = ?`, parent).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return invalid("parent", "%q is not a tag", parent)
	}
	return nil
}

// validateTag checks a tag's own fields; field names start with prefix.
func validateTag(prefix string, t models.Tag) error {
	name := strings.TrimSpace(t.Name)
	switch {
	case name == "":
		return invalid(prefix+".name", "must not be empty")
	case name != t.Name:
		return invalid(prefix+".name", "%q has leading or trailing space", t.Name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return invalid(prefix+".name", "must not contain control characters")
	}
	if err := checkString(prefix+".name", t.Name, maxTagNameLen); err != nil {
		return err
	}
	for field, s := range map[string]string{"parent": t.Parent, "description": t.Description, "owner": t.Owner, "owner_contact": t.OwnerContact} {
		if err := checkString(prefix+"."+field, s, maxTagTextLen); err != nil {
			return err
		}
	}
	if math.IsNaN(t.SeverityWeight) || t.SeverityWeight < 0 || t.SeverityWeight > 1 {
		return invalid(prefix+".severity_weight", "%v is outside [0, 1]", t.SeverityWeight)
	}
	if len(t.Keywords) > maxTagKeywords {
		return invalid(prefix+".keywords", "at most %d keywords", maxTagKeywords)
	}
	for i, k := range t.Keywords {
		field := fmt.Sprintf("%s.keywords[%d]", prefix, i)
		if strings.TrimSpace(k) == "" {
			return invalid(field, "must not be empty")
		}
		if err := checkString(field, k, maxKeywordLen); err != nil {
			return err
		}
	}
	return nil
}
