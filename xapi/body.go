package xapi

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
)

// field is one plain form field of a multipart body.
type field struct{ name, value string }

// multipartBody lays out a multipart/form-data body of plain fields and one
// file part whose bytes stream from src (exactly n bytes), so the length is
// known up front and the file is never held in memory.
func multipartBody(fields []field, fileField, fileName string, src io.Reader, n int64) (body io.Reader, contentType string, length int64) {
	var head bytes.Buffer
	w := multipart.NewWriter(&head)
	for _, f := range fields {
		_ = w.WriteField(f.name, f.value) // writes to a bytes.Buffer cannot fail
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="`+fileField+`"; filename="`+quoteName(fileName)+`"`)
	h.Set("Content-Type", "application/octet-stream")
	_, _ = w.CreatePart(h)
	prefix := append([]byte(nil), head.Bytes()...)
	head.Reset()
	_ = w.Close()
	suffix := append([]byte("\r\n"), head.Bytes()...)
	// Close writes "\r\n--boundary--\r\n" after a part; keep exactly one CRLF.
	if bytes.HasPrefix(head.Bytes(), []byte("\r\n")) {
		suffix = append([]byte(nil), head.Bytes()...)
	}
	body = io.MultiReader(bytes.NewReader(prefix), src, bytes.NewReader(suffix))
	return body, w.FormDataContentType(), int64(len(prefix)) + n + int64(len(suffix))
}

// multipartRequest is a POST to u whose multipart body carries the fields
// and, in its `media` part, exactly n bytes streamed from src.
func multipartRequest(ctx context.Context, u string, fields []field, fileName string, src io.Reader, n int64) (*http.Request, error) {
	body, ctype, length := multipartBody(fields, "media", fileName, src, n)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", ctype)
	return req, nil
}

// quoteName keeps a file name safe inside a quoted header parameter.
func quoteName(s string) string {
	b := []byte(s)
	out := b[:0]
	for _, c := range b {
		if c == '"' || c == '\\' || c < 0x20 {
			c = '_'
		}
		out = append(out, c)
	}
	return string(out)
}
