package server

import (
	"errors"
	"testing"

	"github.com/liveid/liveid/engine"
)

// FuzzInitRequest feeds arbitrary bodies to the init request's decoding
// and checks (the reference photo decoded within referenceLimits): every
// body is refused with a server *Error or is a request whose fields hold.
// The seed corpus (testdata/fuzz/FuzzInitRequest) holds the image bombs as
// reference photos.
func FuzzInitRequest(f *testing.F) {
	f.Add([]byte(`{"order_no":"o-1","compare":"none"}`))
	s := &Server{}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeInit(body)
		if err == nil {
			err = s.checkInit(req)
		}
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !orderNoRE.MatchString(req.OrderNo) {
			t.Fatalf("accepted order_no %q", req.OrderNo)
		}
		switch engine.Reference(req.Compare) {
		case engine.NoReference, engine.IDCardReference:
		case engine.PhotoReference:
			if req.ReferencePhoto == nil {
				t.Fatal("compare photo accepted without a photo")
			}
		default:
			t.Fatalf("accepted compare %q", req.Compare)
		}
		if req.ReferencePhoto != nil {
			if _, err := decodeImage(req.ReferencePhoto, referenceLimits); err != nil {
				t.Fatalf("accepted a reference photo that does not decode: %v", err)
			}
		}
	})
}

func TestDecodeInitRefusesTrailingValues(t *testing.T) {
	for _, body := range []string{`{"order_no":"a"}{"order_no":"b"}`, `{"order_no":"a"} x`, `{"order_no":"a","extra":1}`, ``} {
		if _, err := decodeInit([]byte(body)); err == nil {
			t.Errorf("%q decoded", body)
		}
	}
	if req, err := decodeInit([]byte(" {\"order_no\":\"a\"}\n")); err != nil || req.OrderNo != "a" {
		t.Errorf("one object: %+v, %v", req, err)
	}
}
