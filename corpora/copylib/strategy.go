package copylib

import (
	"fmt"
	"strings"

	"github.com/mindprint/mindprint/classifier"
)

// style is the content style for one trait pole, from the seed articles'
// trait → content strategy → industries table (high poles) and its mirror
// (low poles).
type style struct {
	tone       string
	emphasise  []string
	avoid      []string
	industries []string
}

// styles is keyed by "trait:pole".
var styles = map[string]style{
	"openness:high": {
		tone:       "imaginative, curious, a little philosophical",
		emphasise:  []string{"new experiences and discovery", "original ideas and the story behind them", "vivid, unusual imagery"},
		avoid:      []string{"the same-as-everyone pitch", "dry feature lists"},
		industries: []string{"innovation", "travel", "creative"},
	},
	"openness:low": {
		tone:       "familiar, practical, down to earth",
		emphasise:  []string{"what stays reliable and known", "concrete, practical benefits", "tradition and things that simply work"},
		avoid:      []string{"abstract or experimental framing", "novelty for its own sake"},
		industries: []string{"finance", "insurance", "lifestyle"},
	},
	"conscientiousness:high": {
		tone:       "orderly, precise, efficient",
		emphasise:  []string{"structure and clear steps", "productivity and time saved", "measurable goals and progress tracking"},
		avoid:      []string{"vague promises", "clutter and surprises"},
		industries: []string{"careers", "finance", "self-improvement"},
	},
	"conscientiousness:low": {
		tone:       "relaxed, flexible, easy-going",
		emphasise:  []string{"ease: no planning or homework needed", "flexibility and spontaneity", "quick wins in a few taps"},
		avoid:      []string{"long checklists", "strict schedules and deadlines"},
		industries: []string{"lifestyle", "travel", "fashion"},
	},
	"extraversion:high": {
		tone:       "energetic, social, vivid",
		emphasise:  []string{"events and shared moments", "social proof: crowds, friends, ratings", "bold visuals and action verbs"},
		avoid:      []string{"solitary, low-energy framing"},
		industries: []string{"fashion", "nightlife", "fitness"},
	},
	"extraversion:low": {
		tone:       "calm, personal, unhurried",
		emphasise:  []string{"one-to-one and at-your-own-pace options", "privacy and quiet", "depth over buzz"},
		avoid:      []string{"crowds and loud hype", "\"everyone is doing it\" pressure"},
		industries: []string{"wellness", "self-improvement", "creative"},
	},
	"agreeableness:high": {
		tone:       "warm, caring, inclusive",
		emphasise:  []string{"community and belonging", "ethics and giving back", "family values"},
		avoid:      []string{"aggressive, win-at-all-costs language"},
		industries: []string{"charity", "wellness", "lifestyle"},
	},
	"agreeableness:low": {
		tone:       "direct, candid, self-directed",
		emphasise:  []string{"personal advantage and control", "plain facts without sentiment", "competition and winning on your own terms"},
		avoid:      []string{"sentimental or guilt-based appeals", "\"do it for others\" framing"},
		industries: []string{"finance", "careers", "fitness"},
	},
	"neuroticism:high": {
		tone:       "reassuring, calm, protective",
		emphasise:  []string{"safety and security", "clear solutions to the problem at hand", "support that is there when needed"},
		avoid:      []string{"fear, urgency and scarcity pressure", "anything that sounds like a risk"},
		industries: []string{"insurance", "healthcare", "mental-wellbeing"},
	},
	"neuroticism:low": {
		tone:       "confident, steady, upbeat",
		emphasise:  []string{"freedom and bold choices", "straight talk without alarm", "adventure backed by calm confidence"},
		avoid:      []string{"overstated warnings", "worry-based selling"},
		industries: []string{"travel", "fitness", "innovation"},
	},
}

// mindsetStyle is the part of the strategy the mindset decides.
type mindsetStyle struct {
	emphasise []string
	avoid     []string
	layout    string
	note      string
}

var mindsetStyles = map[string]mindsetStyle{
	classifier.MindsetFixed: {
		emphasise: []string{"authority and status (trusted by professionals)", "fast results with a time frame", "proof: case studies, expert opinion, ratings"},
		avoid:     []string{"open-ended exploration without a clear result"},
		layout:    "structured",
		note:      "clean, structured page: one clear headline, a few proof points, a single direct CTA",
	},
	classifier.MindsetGrowth: {
		emphasise: []string{"progress and learning journeys", "community, tutorials and open challenges", "reflective, inclusive language"},
		avoid:     []string{"fixed labels such as born talent or elite status"},
		layout:    "exploratory",
		note:      "exploratory, interactive page: steps to try, stories of progress, room to experiment",
	},
	classifier.MindsetMixed: {
		emphasise: []string{"an outcome to aim for, with learning layered on it", "headlines that pair authoritative language with aspirational verbs"},
		layout:    "split",
		note:      "split CTAs side by side: an outcome CTA for the fixed side and a journey CTA for the growth side",
	},
	classifier.MindsetUnknown: {
		emphasise: []string{"a clear benefit first, with a way to explore further"},
		layout:    "balanced",
		note:      "balanced page: lead with a clear benefit, offer a softer path to explore, and A/B test fixed against growth copy",
	},
}

// strategyFor writes the content strategy for the profile's leaning poles
// (strongest first) and mindset label.
func strategyFor(rds []reading, mindset string) Strategy {
	ms := mindsetStyles[mindset]
	s := Strategy{Traits: []string{}, Mindset: mindset, Layout: ms.layout, LayoutNote: ms.note, Emphasise: []string{}, Avoid: []string{}, Industries: []string{}}
	for i, rd := range rds {
		if i == 2 {
			break
		}
		s.Traits = append(s.Traits, rd.String())
	}
	if len(rds) == 0 {
		s.Tone = "clear and friendly"
		s.Emphasise = append(s.Emphasise, ms.emphasise...)
		s.Avoid = append(s.Avoid, ms.avoid...)
		s.Summary = fmt.Sprintf("No trait stands out, so write clear, friendly copy; %s.", ms.note)
		return s
	}
	primary := styles[rds[0].String()]
	s.Tone = primary.tone
	s.Industries = append(s.Industries, primary.industries...)
	s.Emphasise = append(s.Emphasise, primary.emphasise...)
	if len(rds) > 1 {
		s.Emphasise = append(s.Emphasise, styles[rds[1].String()].emphasise[0])
	}
	s.Emphasise = append(s.Emphasise, ms.emphasise...)
	s.Avoid = append(s.Avoid, primary.avoid...)
	s.Avoid = append(s.Avoid, ms.avoid...)
	lead := fmt.Sprintf("Lead with %s copy for %s %s", primary.tone, rds[0].pole, rds[0].trait)
	if len(rds) > 1 {
		lead += fmt.Sprintf(", with a touch for %s %s", rds[1].pole, rds[1].trait)
	}
	s.Summary = fmt.Sprintf("%s; stress %s. Layout: %s.", lead, strings.Join(primary.emphasise[:2], " and "), ms.note)
	return s
}
