module github.com/liveid/liveid

go 1.26
