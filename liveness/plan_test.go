package liveness

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func seedOf(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestPlanIsDeterministic(t *testing.T) {
	cfg := Config{Count: 4, ActionTimeout: 5 * time.Second}
	a, err := NewPlan(seedOf(7), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPlan(seedOf(7), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed and config gave different plans:\n%+v\n%+v", a, b)
	}
}

func TestDifferentSeedsGiveDifferentPlans(t *testing.T) {
	seen := map[string]int{}
	for i := range 100 {
		p, err := NewPlan(seedOf(byte(i)), Config{})
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprint(p.Actions, p.Flashes)
		if j, dup := seen[key]; dup {
			t.Fatalf("seeds %d and %d gave the same plan %s", j, i, key)
		}
		seen[key] = i
	}
}

func TestConfigIsBoundIntoThePlan(t *testing.T) {
	a, _ := NewPlan(seedOf(1), Config{})
	b, _ := NewPlan(seedOf(1), Config{Count: 3, ActionTimeout: 7 * time.Second})
	if reflect.DeepEqual(a.Flashes, b.Flashes) {
		t.Fatal("a different config derived the same flash sequence")
	}
	// Defaults are spelled out the same way whether given or not.
	c, _ := NewPlan(seedOf(1), Config{Count: 3, Actions: []Action{Shake, Nod, OpenMouth, Blink, Blink}})
	if !reflect.DeepEqual(a.Actions, c.Actions) || !reflect.DeepEqual(a.Flashes, c.Flashes) {
		t.Fatal("explicit default config derived another plan")
	}
}

func TestPlanShape(t *testing.T) {
	for i := range 200 {
		p, err := NewPlan(seedOf(byte(i)), Config{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Actions) != 3 {
			t.Fatalf("plan %d: %d actions", i, len(p.Actions))
		}
		geo := false
		for j, a := range p.Actions {
			geo = geo || a.Geometric()
			for _, b := range p.Actions[:j] {
				if a == b {
					t.Fatalf("plan %d repeats %v", i, a)
				}
			}
		}
		if !geo {
			t.Fatalf("plan %d %v has no geometric action", i, p.Actions)
		}
		if n := len(p.Flashes); n < 8 || n > 16 {
			t.Fatalf("plan %d: %d colours", i, n)
		}
		at := p.FlashStart
		for j, f := range p.Flashes {
			if f.Start != at || f.Dur < 80*time.Millisecond || f.Dur > 200*time.Millisecond {
				t.Fatalf("plan %d flash %d: %+v", i, j, f)
			}
			if j > 0 && f.Color == p.Flashes[j-1].Color {
				t.Fatalf("plan %d repeats a colour at %d", i, j)
			}
			at += f.Dur
		}
		if p.FlashEnd != at || p.ActionsStart != at+MaxLag || p.FlashStart != time.Second {
			t.Fatalf("plan %d times: %v %v %v", i, p.FlashStart, p.FlashEnd, p.ActionsStart)
		}
	}
}

func TestColorAt(t *testing.T) {
	p, _ := NewPlan(seedOf(3), Config{})
	if p.ColorAt(0) != Neutral || p.ColorAt(p.FlashStart-1) != Neutral || p.ColorAt(p.FlashEnd) != Neutral {
		t.Fatal("neutral outside the flash")
	}
	for _, f := range p.Flashes {
		if p.ColorAt(f.Start) != f.Color || p.ColorAt(f.Start+f.Dur-1) != f.Color {
			t.Fatalf("flash %+v not shown over its interval", f)
		}
	}
}

func TestNewPlanRejects(t *testing.T) {
	for name, c := range map[string]struct {
		seed []byte
		cfg  Config
	}{
		"short seed":      {seedOf(1)[:15], Config{}},
		"count too large": {seedOf(1), Config{Count: 6}},
		"unknown action":  {seedOf(1), Config{Actions: []Action{9}, Count: 1}},
		"short timeout":   {seedOf(1), Config{Timeout: 5 * time.Second}},
		"few colours":     {seedOf(1), Config{MinColors: 2, MaxColors: 3}},
		"short colour":    {seedOf(1), Config{MinColorTime: 10 * time.Millisecond}},
	} {
		if _, err := NewPlan(c.seed, c.cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
