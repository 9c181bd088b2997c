package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadTexts(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		idCol   string
		want    []textRecord
		wantErr string
	}{
		{
			name: "ndjson ids keep their digits", file: "in.ndjson", idCol: "id",
			content: `{"id": 1000000, "text": "yö ja päivä"}` + "\n\n" + `{"id": "ż-7", "text": "łąka"}` + "\n" + `{"text": "no id"}` + "\n",
			want: []textRecord{
				{ID: "1000000", Text: "yö ja päivä", Pos: "in.ndjson:1"},
				{ID: "ż-7", Text: "łąka", Pos: "in.ndjson:3"},
				{ID: "", Text: "no id", Pos: "in.ndjson:4"},
			},
		},
		{
			name: "ndjson id of another type", file: "in.ndjson", idCol: "id",
			content: `{"id": [1], "text": "a"}` + "\n",
			wantErr: `in.ndjson:1: field "id" must be a string or a number`,
		},
		{
			name: "ndjson trailing value", file: "in.jsonl",
			content: `{"text": "a"}}` + "\n",
			wantErr: "in.jsonl:1: more than one JSON value on the line",
		},
		{
			name: "ndjson line too long names the line", file: "in.ndjson",
			content: `{"text": "a"}` + "\n" + `{"text": "` + strings.Repeat("a", maxNDJSONLine) + `"}` + "\n",
			wantErr: "in.ndjson:2: the line is longer than 8 MiB",
		},
		{
			name: "csv syntax error is an error, not a panic", file: "in.csv",
			content: "text,id\nfine,1\n\"ab\"c,2\n",
			wantErr: `in.csv:3: extraneous or missing " in quoted-field`,
		},
		{
			name: "csv rows", file: "in.csv", idCol: "id",
			content: "\ufefftext,id\n\"two\nlines\",1\nāē,2\n",
			want: []textRecord{
				{ID: "1", Text: "two\nlines", Pos: "in.csv:2"},
				{ID: "2", Text: "āē", Pos: "in.csv:4"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			var got []textRecord
			err := readTexts([]string{path}, "text", tt.idCol, func(r textRecord) error {
				r.Pos = strings.TrimPrefix(r.Pos, dir+string(filepath.Separator))
				got = append(got, r)
				return nil
			})
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("no error; want %q", tt.wantErr)
				}
				if msg := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)); msg != tt.wantErr {
					t.Fatalf("error %q; want %q", msg, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}
