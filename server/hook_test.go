package server_test

import (
	"net/http"
	"net/http/httptest"
)

func newHook(f http.HandlerFunc) *httptest.Server { return httptest.NewServer(f) }
