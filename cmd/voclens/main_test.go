package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/voclens/voclens"
)

// run executes the CLI in-process, as a user would from a shell.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd(&out, &errb)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

func TestAnalyzeText(t *testing.T) {
	text := "😡ｉＰｈｏｎｅ１５的快递太慢了，客服态度还差，气死我了！！！"
	out, _, err := run(t, "analyze", text)
	if err != nil {
		t.Fatal(err)
	}
	var line analyzeLine
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if line.Analysis == nil || line.Sentiment.Label != "negative" {
		t.Fatalf("analysis %+v", line.Analysis)
	}
	tags := map[string]bool{}
	for _, tg := range line.Tags {
		tags[tg.Tag] = true
	}
	if !tags["物流配送"] || !tags["服务态度"] {
		t.Errorf("tags %v, want 物流配送 and 服务态度", line.Tags)
	}
	runes := []rune(text)
	if len(line.AngryWords) == 0 {
		t.Fatal("no angry words")
	}
	for _, w := range line.AngryWords {
		if got := string(runes[w.Start:w.End]); got != w.Word {
			t.Errorf("angry word %q at [%d,%d) slices %q", w.Word, w.Start, w.End, got)
		}
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeCSVOneLinePerRow(t *testing.T) {
	csv := "row_id,review\n1,太难吃了\n2,\n3,\"送得快，好评\"\n"
	out, _, err := run(t, "analyze", "--csv", writeFile(t, "r.csv", []byte(csv)), "--text-col", "review", "--id-col", "row_id")
	if err != nil {
		t.Fatal(err)
	}
	var lines []analyzeLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l analyzeLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines for 3 rows:\n%s", len(lines), out)
	}
	if lines[0].ID != "1" || lines[0].Sentiment.Label != "negative" {
		t.Errorf("line 1: %+v", lines[0])
	}
	if lines[1].Error != "empty text" || lines[1].Analysis != nil {
		t.Errorf("line 2: %+v", lines[1])
	}
	if lines[2].ID != "3" || lines[2].Sentiment.Label != "positive" {
		t.Errorf("line 3: %+v %+v", lines[2], lines[2].Analysis)
	}
}

func TestImportIsIdempotentAcrossEncodings(t *testing.T) {
	data := t.TempDir()
	sample := writeFile(t, "sample.csv", voclens.SampleFeedback)
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(voclens.SampleFeedback)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(gb) {
		t.Fatal("GB18030 fixture is valid UTF-8: it would not test detection")
	}
	gbPath := writeFile(t, "sample.csv", gb) // same name: same default source

	first := importJSON(t, "import", sample, "--data", data, "--json")
	if first.Imported < 300 || first.Encoding != "utf-8" {
		t.Fatalf("first import: %+v", first)
	}
	again := importJSON(t, "import", sample, "--data", data, "--json")
	if again.Imported != 0 || again.Existing != first.Imported {
		t.Errorf("re-import: %+v, want 0 imported and %d existing", again, first.Imported)
	}
	gbRep := importJSON(t, "import", gbPath, "--data", data, "--json")
	if gbRep.Encoding != "gb18030" || gbRep.Imported != 0 || gbRep.Existing != first.Imported {
		t.Errorf("GB18030 import of the same rows: %+v", gbRep)
	}
}

func importJSON(t *testing.T, args ...string) importReport {
	t.Helper()
	out, stderr, err := run(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr)
	}
	var rep importReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report %q: %v", out, err)
	}
	return rep
}

func TestImportMissingColumnImportsNothing(t *testing.T) {
	data := t.TempDir()
	good := writeFile(t, "good.csv", []byte("id,text\n1,快递太慢\n"))
	bad := writeFile(t, "bad.csv", []byte("id,review,stars\n1,太差,1\n"))
	_, _, err := run(t, "import", good, bad, "--data", data, "--text-col", "text")
	if err == nil {
		t.Fatal("import with a missing column succeeded")
	}
	msg := userMessage(err)
	if !strings.Contains(msg, `"text"`) || !strings.Contains(msg, "id, review, stars") {
		t.Errorf("error %q should name the column and list the file's columns", msg)
	}
	if _, err := os.Stat(filepath.Join(data, "voclens.db")); err == nil {
		t.Error("a data dir was created for an import that was refused")
	}
}

func TestServeRefusesNonLoopbackWithoutKeys(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.0.2.1:80"} {
		if err := requireLoopback(addr); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:8080", "localhost:9000"} {
		if err := requireLoopback(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
}
