package ocr

import (
	"math"
	"strings"
)

// scores are the recognition model's class probabilities for one line:
// steps rows of classes, class 0 the CTC blank.
type scores struct {
	p              []float32
	steps, classes int
}

// floorP keeps log of a probability the model rounds to zero finite.
const floorP = 1e-30

// unread stands in a target for a character the model has no class for
// (仫 of 仫佬). Such a character is read as some other one, and nothing
// tells which: it is scored as each character that no spelled entry of the
// list uses, alike (scores.others), so that a reading of 仡 still goes to
// 仡佬, and only one of a character foreign to the list goes to 仫佬.
const unread = -1

func (s scores) logp(t, c int, other []float64) float64 {
	if c == unread {
		if other == nil {
			return math.Inf(-1)
		}
		return other[t]
	}
	return math.Log(max(float64(s.p[t*s.classes+c]), floorP))
}

// others is, per step, the log of the mean probability of the characters
// outside used, and the log of their count: the mean is the sum of their
// probabilities, each weighted by an even prior over which is read.
func (s scores) others(used map[int]bool) (out []float64, logCount float64) {
	out = make([]float64, s.steps)
	n := 0
	for c := 1; c < s.classes; c++ {
		if !used[c] {
			n++
		}
	}
	logCount = math.Log(float64(max(n, 1)))
	for t := range s.steps {
		sum := 0.0
		for c, v := range s.p[t*s.classes+1 : (t+1)*s.classes] {
			if !used[c+1] {
				sum += float64(v)
			}
		}
		out[t] = math.Log(max(sum, floorP)) - logCount
	}
	return out, logCount
}

// bestPath is the log probability of the most likely single alignment,
// the one greedy decoding reads.
func (s scores) bestPath() float64 {
	sum := 0.0
	for t := range s.steps {
		row := s.p[t*s.classes : (t+1)*s.classes]
		best := row[0]
		for _, v := range row[1:] {
			best = max(best, v)
		}
		sum += math.Log(max(float64(best), floorP))
	}
	return sum
}

// logLikelihood is log P(target | line): CTC's forward sum over every
// alignment of the classes target to the steps (each class held one step
// or more, blanks between and around, a blank required between two equal
// classes). It is -Inf when the line has too few steps for the target.
// other scores unread targets (scores.others); without it they cannot be
// read.
func (s scores) logLikelihood(target []int, other []float64) float64 {
	ext := make([]int, 2*len(target)+1) // blank, c1, blank, c2, …, blank
	for i, c := range target {
		ext[2*i+1] = c
	}
	alpha := make([]float64, len(ext))
	next := make([]float64, len(ext))
	for i := range alpha {
		alpha[i] = math.Inf(-1)
	}
	alpha[0] = s.logp(0, 0, other)
	if len(ext) > 1 {
		alpha[1] = s.logp(0, ext[1], other)
	}
	for t := 1; t < s.steps; t++ {
		for i, c := range ext {
			a := alpha[i]
			if i > 0 {
				a = logAdd(a, alpha[i-1])
			}
			if i > 1 && c != 0 && c != ext[i-2] {
				a = logAdd(a, alpha[i-2])
			}
			next[i] = a + s.logp(t, c, other)
		}
		alpha, next = next, alpha
	}
	end := alpha[len(ext)-1]
	if len(ext) > 1 {
		end = logAdd(end, alpha[len(ext)-2])
	}
	return end
}

// logAdd is log(e^a + e^b) without leaving float range.
func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// closedReading is the entry of a closed list that best explains a line.
type closedReading struct {
	text string
	// posterior is the entry's share of the likelihood of all entries: how
	// sure the line is between them.
	posterior float64
	// shortfall is how much less likely (in nats) the entry is than the
	// line's greedy reading: how well the list explains the line at all.
	shortfall float64
	// prior is the entry's log prior (readWeighed), 0 when unweighed.
	prior float64
}

// guessed reports whether a closed reading overrules the greedy one: it
// falls more than readShortfall further short of it than own, the
// shortfall of what the line was read as before.
func (r closedReading) guessed(own float64) bool { return r.shortfall-own > readShortfall }

// conf is how sure a closed reading is: its share of the entries'
// likelihood, scaled by guessConf when it is guessed (see guessed).
func (r closedReading) conf(own float64) float64 {
	if r.guessed(own) {
		return r.posterior * guessConf
	}
	return r.posterior
}

// readClosed scores prefix+entry for every entry of list against a line's
// scores. ok is false when the line has too few steps for any entry.
func (e *Engine) readClosed(s scores, prefix string, list []string) (r closedReading, ok bool) {
	texts := make([]string, len(list))
	for i, entry := range list {
		texts[i] = prefix + entry
	}
	if r, ok = e.readAmong(s, texts); ok {
		r.text = strings.TrimPrefix(r.text, prefix)
	}
	return r, ok
}

// readAmong scores every one of texts against a line's scores and returns
// the likeliest. ok is false when the line has too few steps for any.
func (e *Engine) readAmong(s scores, texts []string) (r closedReading, ok bool) {
	return e.readWeighed(s, texts, nil)
}

// readWeighed is readAmong with each text's log prior (none when prior is
// nil) added to its likelihood: the likeliest is then the one the line
// and how often each text is met make likeliest, and the posterior its
// share of both. The shortfall is still the line's alone.
func (e *Engine) readWeighed(s scores, texts []string, prior []float64) (r closedReading, ok bool) {
	targets := make([][]int, len(texts))
	used := map[int]bool{}
	for i, text := range texts {
		targets[i] = e.classesOf(text)
		for _, c := range targets[i] {
			used[c] = true
		}
	}
	var other []float64
	var logCount float64
	if used[unread] {
		other, logCount = s.others(used)
	}
	best, total, bestAt, bestLL := math.Inf(-1), math.Inf(-1), 0, 0.0
	for i, target := range targets {
		ll := s.logLikelihood(target, other)
		w := ll
		if prior != nil {
			w += prior[i]
		}
		total = logAdd(total, w)
		if w > best {
			best, bestAt, bestLL = w, i, ll
		}
	}
	if math.IsInf(best, -1) {
		return closedReading{}, false
	}
	r.text = texts[bestAt]
	if prior != nil {
		r.prior = prior[bestAt]
	}
	r.posterior = math.Exp(best - total)
	// The even prior over what an unread character reads as is no shortfall
	// of the line's: the greedy reading read one of them.
	unreadPrior := 0.0
	for _, c := range targets[bestAt] {
		if c == unread {
			unreadPrior += logCount
		}
	}
	r.shortfall = max(s.bestPath()-bestLL-unreadPrior, 0)
	return r, true
}

// joinScores is the lines' scores one after the other: a text read over
// several lines is scored on them as on one.
func joinScores(ss []scores) scores {
	j := scores{classes: ss[0].classes}
	for _, s := range ss {
		j.p = append(j.p, s.p...)
		j.steps += s.steps
	}
	return j
}

// classesOf maps text to the model's classes, unread for a character the
// model has none for.
func (e *Engine) classesOf(text string) []int {
	var target []int
	for _, r := range text {
		c, ok := e.class[r]
		if !ok {
			c = unread
		}
		target = append(target, c)
	}
	return target
}
