package eval

// labeller answers, for two faces of the set, whether they are one person,
// one photo, or not to be paired.
type labeller struct {
	photo, person []int          // per face: representative of its photo and its person
	unsure        []map[int]bool // per face: the unsure groups its person is in
}

func newLabeller(faces []Face) *labeller {
	idx := make(map[string]int, len(faces))
	for i, f := range faces {
		idx[f.Name] = i
	}
	photo, person := newSets(len(faces)), newSets(len(faces))
	for _, c := range copies {
		a, okA := idx[c[0]]
		b, okB := idx[c[1]]
		if okA && okB {
			photo.union(a, b)
			person.union(a, b)
		}
	}
	for _, g := range people {
		first := -1
		for _, n := range g {
			if i, ok := idx[n]; ok && first < 0 {
				first = i
			} else if ok {
				person.union(first, i)
			}
		}
	}
	l := &labeller{photo: make([]int, len(faces)), person: make([]int, len(faces)), unsure: make([]map[int]bool, len(faces))}
	for i := range faces {
		l.photo[i], l.person[i] = photo.find(i), person.find(i)
	}
	groups := make(map[int]map[int]bool) // person → unsure groups
	for gi, g := range unsure {
		for _, n := range g {
			if i, ok := idx[n]; ok {
				p := l.person[i]
				if groups[p] == nil {
					groups[p] = map[int]bool{}
				}
				groups[p][gi] = true
			}
		}
	}
	for i := range faces {
		l.unsure[i] = groups[l.person[i]]
	}
	return l
}

// relation of two faces.
type relation int

const (
	unrelated  relation = iota // different people: an impostor pair
	samePhoto                  // one photo (the same face, or a copy)
	otherPhoto                 // one person in two photos
	doubtful                   // maybe one person: not used
)

func (l *labeller) relation(a, b int) relation {
	switch {
	case l.photo[a] == l.photo[b]:
		return samePhoto
	case l.person[a] == l.person[b]:
		return otherPhoto
	}
	for g := range l.unsure[a] {
		if l.unsure[b][g] {
			return doubtful
		}
	}
	return unrelated
}

// people counts the distinct persons among the faces.
func (l *labeller) people() int {
	seen := map[int]bool{}
	for _, p := range l.person {
		seen[p] = true
	}
	return len(seen)
}

// sets is a union-find forest.
type sets []int

func newSets(n int) sets {
	s := make(sets, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func (s sets) find(i int) int {
	for s[i] != i {
		s[i] = s[s[i]]
		i = s[i]
	}
	return i
}

func (s sets) union(a, b int) { s[s.find(a)] = s.find(b) }
