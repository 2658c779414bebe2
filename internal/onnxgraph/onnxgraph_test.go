package onnxgraph

import (
	"bytes"
	"strings"
	"testing"
)

func build() *Model {
	b := NewBuilder("g")
	x := b.Input("x", []int64{-1, 4})
	w := b.Floats("w", []int64{4, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8})
	b.Unique("y")
	b.Named("MatMul", "y", []string{x, w})
	b.Output("y", []int64{-1, 2})
	return b.Model("test")
}

func TestMarshalIsDeterministic(t *testing.T) {
	a, err := build().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := build().Marshal()
	if !bytes.Equal(a, b) {
		t.Fatal("same graph encoded to different bytes")
	}
	// The weights travel as raw little-endian float32: 1.0 is 00 00 80 3f.
	if !bytes.Contains(a, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}) {
		t.Error("initializer raw data not found in the encoding")
	}
}

func TestUniqueNames(t *testing.T) {
	b := NewBuilder("g")
	if got := []string{b.Unique("a"), b.Unique("a"), b.Unique("a")}; strings.Join(got, ",") != "a,a_2,a_3" {
		t.Errorf("Unique gave %v", got)
	}
}

func TestMarshalRejectsUndefinedInput(t *testing.T) {
	b := NewBuilder("g")
	b.Op("Relu", "r", []string{"nowhere"})
	_, err := b.Model("test").Marshal()
	if err == nil || !strings.Contains(err.Error(), `undefined "nowhere"`) {
		t.Fatalf("err = %v", err)
	}
}
