package classifier

import "math"

// scoreState weighs the scanned items of one text, clause by clause.
type scoreState struct {
	lex      *Lexicon
	s        *scoreScratch
	wantHits bool

	total float64 // closed clauses
	anger float64 // raw anger before squashing

	sum  float64 // the open clause
	mult float64 // weight of new contributions in the open clause (contrast)

	negCount    int
	negStrength float64
	negDangling float64
	negTok      int32
	degBefore   float64 // degree adverbs before any negator ("很不满意")
	degAfter    float64 // degree adverbs after the negator ("不是很满意")
	degTok      int32
	lastTok     int32   // token of the last sentiment word, -1 when none
	lastV       float64 // its contribution, for post-degree words
	lastHit     int     // its index in hits, -1 when none
	lastAngry   bool

	pending      []pendingPattern // rhetorical heads waiting for a tail
	pendingArray [4]pendingPattern
}

type pendingPattern struct {
	head *lexEntry
	item sitem
}

func (st *scoreState) reset() {
	st.sum, st.mult = 0, 1
	st.clearModifiers()
	st.lastTok, st.lastV, st.lastHit = -1, 0, -1
	if st.pending == nil {
		st.pending = st.pendingArray[:0]
	}
}

func (st *scoreState) clearModifiers() {
	st.negCount, st.negStrength, st.negDangling = 0, 0, 0
	st.degBefore, st.degAfter = 1, 1
}

func (st *scoreState) feed(k int) {
	it := st.s.items[k]
	switch it.kind {
	case itemBreak:
		st.breakAt(it)
	case itemEmoji:
		st.add(it.emoji.polarity, it, HitEmoji, "")
		if it.emoji.anger > 0 {
			st.anger += it.emoji.anger
			if it.emoji.anger >= 0.5 {
				st.s.angry = append(st.s.angry, it)
			}
		}
	case itemWord:
		st.word(k, it)
	}
}

func (st *scoreState) word(k int, it sitem) {
	e := &st.lex.entries[it.entry]
	st.expire(it.tok)
	if len(e.patterns) > 0 {
		if p := &st.lex.patterns[e.patterns[0]]; p.tail == "" {
			st.rhetorical(p.weight, it, e.word)
		} else if len(st.pending) < cap(st.pending) {
			st.pending = append(st.pending, pendingPattern{head: e, item: it})
		}
	}
	if e.contrast > 1 {
		// The clause after 但是 carries the point: damp what came
		// before, this clause included, and weigh what follows more.
		st.total *= contrastDamp
		st.sum *= contrastDamp
		st.mult = e.contrast
	} else if e.contrast != 0 {
		// 虽然 weighs its clause less; 还以为 (a negative weight) turns it
		// round: what the writer expected is the opposite of what came.
		st.mult *= e.contrast
	}
	switch {
	case e.negator > 0:
		if st.negCount > 0 {
			st.negCount++
		} else {
			st.negCount, st.degAfter = 1, 1
		}
		st.negStrength, st.negDangling, st.negTok = e.negator, e.dangling, it.tok
	case e.post > 0 && st.lastTok >= 0 && it.tok-st.lastTok <= postScope:
		st.post(e.post)
	case e.degree > 0 && (e.polarity == 0 || st.sentimentFollows(k)):
		if st.negCount > 0 {
			st.degAfter *= e.degree
		} else {
			st.degBefore *= e.degree
		}
		st.degTok = it.tok
	case e.polarity != 0:
		st.sentiment(e, it)
	}
}

// sentimentFollows reports whether the item after k is a sentiment word
// right next to it: then a word like 好 or 超 is an adverb (好慢, 超好吃).
func (st *scoreState) sentimentFollows(k int) bool {
	if k+1 >= len(st.s.items) {
		return false
	}
	cur, next := st.s.items[k], st.s.items[k+1]
	if next.kind != itemWord || next.start != cur.end {
		return false
	}
	ne := &st.lex.entries[next.entry]
	return ne.polarity != 0 || ne.negator > 0
}

// expire drops negators and degree adverbs that are too far back to reach
// the word at token tok.
func (st *scoreState) expire(tok int32) {
	if st.negCount > 0 && tok-st.negTok > negScope {
		st.dangle()
		st.clearModifiers()
	}
	if st.negCount == 0 && (st.degBefore != 1 || st.degAfter != 1) && tok-st.degTok > degreeScope {
		st.degBefore, st.degAfter = 1, 1
	}
}

// dangle charges a negator that found nothing to negate with its own
// weight ("量不够").
func (st *scoreState) dangle() {
	if st.negCount%2 == 1 && st.negDangling > 0 {
		st.sum -= st.negDangling * st.mult
	}
}

func (st *scoreState) sentiment(e *lexEntry, it sitem) {
	v := e.polarity
	negated := false
	switch {
	case st.negCount%2 == 1:
		negated = true
		hedged := st.negStrength < 1 || st.degAfter != 1
		switch {
		case v > 0 && hedged:
			v = -v * hedgedPositive
		case v > 0:
			v = -v * flipPositive
		case hedged:
			v = -v * hedgedNegative
		default:
			v = -v * flipNegative
		}
		v *= st.degBefore
	case st.negCount > 0:
		v *= doubleNegation * st.degBefore
	default:
		v *= st.degBefore * st.degAfter
	}
	kind := HitSentiment
	st.lastAngry = false
	if e.anger > 0 && !negated {
		st.anger += e.anger
		st.s.angry = append(st.s.angry, it)
		kind = HitAnger
		st.lastAngry = true
	}
	st.add(v, it, kind, e.word)
	st.lastTok, st.lastV = it.tok, v*st.mult
	st.clearModifiers()
}

// post applies a degree word that follows its sentiment word (慢死了).
func (st *scoreState) post(m float64) {
	st.sum += st.lastV * (m - 1)
	st.lastV *= m
	if st.lastHit >= 0 {
		st.s.hits[st.lastHit].Value *= m
	}
	st.lastTok = -1 // one post-degree per word
}

// add puts a contribution into the open clause and records the hit.
func (st *scoreState) add(v float64, it sitem, kind, word string) {
	st.sum += v * st.mult
	st.lastHit = -1
	if st.wantHits {
		if word == "" {
			word = string(st.s.runes[it.start:it.end])
		}
		st.lastHit = len(st.s.hits)
		st.s.hits = append(st.s.hits, Hit{Word: word, Start: int(it.start), End: int(it.end), Kind: kind, Value: round3(v)})
	}
}

func (st *scoreState) rhetorical(w float64, it sitem, word string) {
	st.add(-1.2*w, it, HitRhetorical, word)
	st.anger += w
	st.s.angry = append(st.s.angry, it)
}

// breakAt closes the clause at punctuation or a space. Runs of ! intensify
// the clause and, when it is negative, show temper; ?? shows exasperation.
func (st *scoreState) breakAt(it sitem) {
	if n := float64(min(it.excl, 4)); n > 0 {
		st.sum *= 1 + 0.1*n
		a := 0.1
		if n >= 2 {
			a = 0.25 * math.Min(n-1, 3)
		}
		switch {
		case st.sum < 0:
			st.anger += a
		case st.sum == 0 && st.total < 0:
			st.anger += a / 2
		}
	}
	if it.quest >= 2 {
		st.sum -= 0.3
		st.anger += 0.2
	}
	st.closeClause()
	if it.sentence {
		st.endSentence(it.start, it.quest > 0)
	}
}

func (st *scoreState) closeClause() {
	if st.negCount > 0 {
		st.dangle()
	}
	st.total += st.sum
	st.reset()
}

// endSentence fires the rhetorical patterns whose tail came after their
// head in the sentence that ends at rune offset at (with a question mark
// when question is set).
func (st *scoreState) endSentence(at int32, question bool) {
	for _, p := range st.pending {
		// One head fires at most once, with the first pattern whose
		// tail follows it (patterns of a head are listed strongest first).
		for _, pi := range p.head.patterns {
			pat := &st.lex.patterns[pi]
			if pat.question && !question {
				continue
			}
			if containsRunes(st.s.runes[min(p.item.end, at):at], pat.tailRunes) {
				st.rhetorical(pat.weight, p.item, pat.head)
				st.total += st.sum // rhetorical adds to the open sum; keep it
				st.sum = 0
				break
			}
		}
	}
	st.pending = st.pending[:0]
}

func containsRunes(hay, needle []rune) bool {
	if len(needle) == 0 {
		return true
	}
outer:
	for i := 0; i+len(needle) <= len(hay); i++ {
		for j, r := range needle {
			if hay[i+j] != r {
				continue outer
			}
		}
		return true
	}
	return false
}
