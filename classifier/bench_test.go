package classifier

import (
	"strings"
	"testing"
)

// review300 is a 300-byte product review; text3k a 3 KB support-chat
// transcript. Both written for these benchmarks.
const review300 = "Honestly the best running shoes I have owned. They arrived on time, the fit is great and the " +
	"cushioning made my long runs feel easy again. I was a bit worried about the sizing, but customer service " +
	"was friendly and patient. I'm curious to try the trail version next and keep improving my pace!!"

var text3k = strings.Join([]string{
	"Hi, I'm writing because my order arrived late again and I am honestly quite stressed about it.",
	"This is the third time this month, and every time I plan my week around the delivery window.",
	"I like to keep things organised, so when the tracking page says Tuesday I expect Tuesday, not Friday.",
	"Your agent yesterday was kind and patient, and I appreciate that she explained the warehouse problem.",
	"Still, I worry that the next parcel will also be delayed, and I need the equipment for a workshop.",
	"The workshop is about creative writing, something I have wanted to explore for years.",
	"I am curious about new formats and love trying new things, so I signed up for the advanced track.",
	"We will meet every Saturday with a small group of friends, and I am really excited about it.",
	"I do not want to cancel, but I cannot go without the laptop stand and the headset I ordered.",
	"Could you please check whether the parcel is still in the warehouse or already with the courier?",
	"If it is lost, I would prefer a refund rather than a replacement, because I cannot wait another week.",
	"I have always been a loyal customer, and I recommend your shop to colleagues whenever I can.",
	"But the last months have been frustrating, and I am starting to doubt whether it is worth it.",
	"Please do not send me another generic apology; I would rather hear a clear plan and a date.",
	"I know mistakes happen and I believe teams can learn from them and improve their processes.",
	"Maybe you could add a notification when a delay is detected, so customers are not left guessing.",
	"That would save everyone time, including your support team, who must be tired of these messages.",
	"Thanks in advance for your help, and sorry if this message sounds a bit harsh; it has been a long week.",
	"I am usually calm and patient, but today I lost my temper a little when the tracking page froze again.",
	"Anyway, I hope we can sort this out quickly, and I look forward to hearing from you tomorrow.",
	"By the way, the blue headset I ordered last spring is excellent, comfortable and well made.",
	"It survived a rainy festival weekend, dozens of video calls and my nephew's enthusiastic gaming.",
	"So I am not giving up on you yet: fix the delivery problem and I will happily keep ordering.",
	"Best regards, and have a good evening.",
}, " ")

func BenchmarkTokenize(b *testing.B) {
	tk := NewTokenizer()
	for _, bc := range []struct{ name, text string }{{"300B", review300}, {"3KB", text3k}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				tk.Tokenize(bc.text, "en")
			}
		})
	}
}

// BenchmarkScore measures tokenize + match + score with a language hint:
// the whole pipeline minus detection.
func BenchmarkScore(b *testing.B) {
	an := defaultAnalyzer(b)
	for _, bc := range []struct{ name, text string }{{"300B", review300}, {"3KB", text3k}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				if _, err := an.Analyze(Input{Text: bc.text, Lang: "en"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAnalyze measures the whole pipeline, detection included.
func BenchmarkAnalyze(b *testing.B) {
	an := defaultAnalyzer(b)
	for _, bc := range []struct{ name, text string }{{"300B", review300}, {"3KB", text3k}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				if _, err := an.Analyze(Input{Text: bc.text}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAnalyzeParallel(b *testing.B) {
	an := defaultAnalyzer(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(review300)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := an.Analyze(Input{Text: review300}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPathological measures inputs built to be slow: long runs of one
// character and of negators. Each is MaxAnalyzedBytes long; the pipeline is
// linear, so these cost about as much per byte as ordinary text.
func BenchmarkPathological(b *testing.B) {
	an := defaultAnalyzer(b)
	for _, bc := range []struct{ name, unit string }{
		{"bang", "!"}, {"brace", "}"}, {"letter", "a"}, {"not", "not "}, {"emoji", "😀"}, {"dots", ". "}, {"very", "very "},
	} {
		text := strings.Repeat(bc.unit, MaxAnalyzedBytes/len(bc.unit))
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := an.Analyze(Input{Text: text, Lang: "en"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
