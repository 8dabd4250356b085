package models

// Owner is who a tagged item is routed to: the owner and contact of the
// tag, or of its nearest ancestor that has one.
type Owner struct {
	Tag     string `json:"tag"`
	Owner   string `json:"owner"`
	Contact string `json:"contact"`
}

// Routing is the owners of an item's predicted tags, and whether it is a
// severe item nobody owns.
type Routing struct {
	Owners []Owner `json:"owners"`
	// Unrouted is true for an item at the top severity (critical) none of
	// whose tags has an owner: the one case where waiting for someone to
	// notice is not acceptable, so callers report it.
	Unrouted bool `json:"unrouted"`
}

// OwnerTable finds the owner of a tag, inheriting along parents: a
// sub-tag without an owner of its own goes to its parent's.
type OwnerTable map[string]Tag

// NewOwnerTable indexes tags by name.
func NewOwnerTable(tags []Tag) OwnerTable {
	t := make(OwnerTable, len(tags))
	for _, tag := range tags {
		t[tag.Name] = tag
	}
	return t
}

// Owner returns the owner of tag, or ok false when neither it nor an
// ancestor has one. A cycle of parents (the store forbids only a tag being
// its own parent) ends the walk.
func (t OwnerTable) Owner(tag string) (Owner, bool) {
	name := tag
	for range len(t) + 1 {
		cur, ok := t[name]
		if !ok {
			return Owner{}, false
		}
		if cur.Owner != "" {
			return Owner{Tag: tag, Owner: cur.Owner, Contact: cur.OwnerContact}, true
		}
		if cur.Parent == "" {
			return Owner{}, false
		}
		name = cur.Parent
	}
	return Owner{}, false
}

// Route returns the owners of a's tags, in a's tag order, one per tag that
// has one, and flags a critical item with none.
func (t OwnerTable) Route(a *Analysis) Routing {
	r := Routing{Owners: []Owner{}}
	if a == nil {
		return r
	}
	for _, ts := range a.Tags {
		if o, ok := t.Owner(ts.Tag); ok {
			r.Owners = append(r.Owners, o)
		}
	}
	r.Unrouted = a.Severity == SeverityCritical && len(r.Owners) == 0
	return r
}
