// Package synth makes synthetic photos of Chinese resident ID cards for
// testing and benchmarking package ocr: fake identities with valid numbers,
// both sides rendered with Noto Sans CJK (Debian's fonts-noto-cjk) and a
// portrait cut from real photos, placed in cluttered scenes with
// perspective, lighting, blur and noise, and with defects that should
// raise each of ocr's warnings. A sample is a pure function of its Spec.
// It is the generator ocr's thresholds were set on; ocr/synth/wild draws
// cards independently of it, to measure how the reader generalises.
package synth

import (
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"

	"golang.org/x/image/draw"

	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
)

// Kind is what a sample is made to test.
type Kind int

const (
	Clean     Kind = iota // straight-on, sharp, even light
	Mild                  // some perspective, rotation, light, blur and noise
	Upside                // mild, turned upside down
	Border                // part of the card outside the frame
	Photocopy             // a black-and-white copy of the card
	Screen                // the card shown on a screen and photographed
	Glare                 // a reflection blows out part of the card
	Blur                  // out of focus
	Occlusion             // a finger over the card
	WrongSide             // the other side than the one asked for
)

var kindNames = []string{"clean", "mild", "upside", "border", "photocopy", "screen", "glare", "blur", "occlusion", "wrong-side"}

func (k Kind) String() string { return kindNames[k] }

// Warning is the warning a sample of this kind should raise.
func (k Kind) Warning() ocr.Warning {
	return map[Kind]ocr.Warning{
		Border: ocr.WarnBorder, Photocopy: ocr.WarnPhotocopy, Screen: ocr.WarnScreen, Glare: ocr.WarnGlare,
		Blur: ocr.WarnBlur, Occlusion: ocr.WarnOcclusion, WrongSide: ocr.WarnWrongSide,
	}[k]
}

// Spec fixes one sample.
type Spec struct {
	Seed uint64
	Kind Kind
	Side ocr.Side
}

// cycle is the mix of kinds in a set: mostly readable cards, and each
// defect as often as the others.
var cycle = []Kind{Clean, Clean, Clean, Clean, Clean, Clean, Mild, Mild, Mild, Mild, Mild, Mild, Upside,
	Border, Photocopy, Screen, Glare, Blur, Occlusion, WrongSide}

// Set is n specs from seed, in a fixed mix of kinds and, by a hash of
// each seed, sides (five fronts in eight).
func Set(n int, seed uint64) []Spec {
	specs := make([]Spec, n)
	for i := range specs {
		s := Spec{Seed: seed + uint64(i), Kind: cycle[i%len(cycle)], Side: ocr.Front}
		if (s.Seed*0x9e3779b97f4a7c15)>>61 >= 5 { // 3 of 8 from a hash of the seed
			s.Side = ocr.Back
		}
		specs[i] = s
	}
	return specs
}

// Sample is one synthetic photo and what it shows.
type Sample struct {
	Spec
	Image    *image.RGBA
	Want     ocr.Side          // the side the user was asked for
	Truth    map[string]string // the shown side's fields
	Warnings ocr.Warning       // the warnings it should raise
	ID       Identity
	// Scene names the kind of background the card lies on.
	Scene string
	// Corners are where the card's own corners are in Image, clockwise
	// from its top-left (as ocr.Card.Corners), some maybe outside it.
	Corners [4]ocr.Point
}

// Generator renders samples. It is not safe for concurrent use.
type Generator struct {
	fonts *fontSet
	faces []*image.RGBA
}

// faceCrops are the real photos portraits are cut from: head-and-shoulders
// boxes picked by eye in face-api's demo images.
var faceCrops = []struct {
	photo int // face-api's sample<photo>.jpg
	box   image.Rectangle
}{
	{1, image.Rect(360, 240, 690, 660)},
	{1, image.Rect(1410, 120, 1740, 540)},
	{2, image.Rect(840, 150, 1170, 570)},
	{3, image.Rect(510, 270, 840, 690)},
	{3, image.Rect(1020, 180, 1350, 600)},
	{3, image.Rect(1395, 210, 1725, 630)},
	{4, image.Rect(930, 75, 1260, 495)},
	{4, image.Rect(1200, 30, 1530, 450)},
	{5, image.Rect(705, 30, 1035, 450)},
	{5, image.Rect(1020, 90, 1350, 510)},
	{6, image.Rect(180, 420, 510, 840)},
	{6, image.Rect(570, 285, 900, 705)},
	{6, image.Rect(1095, 210, 1425, 630)},
	{6, image.Rect(1440, 165, 1770, 585)},
}

// New loads the fonts from FontDir and the portrait photos from the model
// cache at home.
func New(home string) (*Generator, error) {
	fs, err := loadFonts(FontDir)
	if err != nil {
		return nil, err
	}
	g := &Generator{fonts: fs}
	photos := map[int]image.Image{}
	for _, c := range faceCrops {
		img, ok := photos[c.photo]
		if !ok {
			path, err := build.SamplePhoto(home, c.photo)
			if err != nil {
				return nil, err
			}
			if img, err = readJPEG(path); err != nil {
				return nil, err
			}
			photos[c.photo] = img
		}
		face := image.NewRGBA(image.Rect(0, 0, portraitRect.Dx(), portraitRect.Dy()))
		draw.CatmullRom.Scale(face, face.Rect, img, c.box, draw.Src, nil)
		g.faces = append(g.faces, face)
	}
	return g, nil
}

func readJPEG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("synth: portrait photos (run make setup): %w", err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", path, err)
	}
	return img, nil
}

// Card renders one side of a holder's card, flat, 856×540, with
// transparent rounded corners.
func (g *Generator) Card(id Identity, side ocr.Side, face int) *image.RGBA {
	if side == ocr.Back {
		return g.renderBack(id)
	}
	return g.renderFront(id, g.faces[face%len(g.faces)])
}

// Make renders the sample s describes.
func (g *Generator) Make(s Spec) *Sample {
	r := rand.New(rand.NewPCG(s.Seed, 0x1dca7d))
	id := NewIdentity(r)
	card := g.Card(id, s.Side, r.IntN(len(g.faces)))
	out := &Sample{Spec: s, Want: s.Side, ID: id, Warnings: s.Kind.Warning()}
	if s.Kind == WrongSide {
		out.Want = map[ocr.Side]ocr.Side{ocr.Front: ocr.Back, ocr.Back: ocr.Front}[s.Side]
	}
	out.Truth = map[string]string{}
	fields := ocr.FrontFields
	if s.Side == ocr.Back {
		fields = ocr.BackFields
	}
	for _, f := range fields {
		out.Truth[f] = id.Fields()[f]
	}
	out.Image, out.Corners, out.Scene = scene(r, card, s.Kind)
	return out
}
