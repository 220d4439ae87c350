package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// mediaAttachable reports whether ids may go on one post by who: at most 4
// photos, or exactly 1 animated GIF, or exactly 1 video; every id known,
// unexpired, finished processing (succeeded) and owned by who or listing who
// in additional_owners.
func (s *Server) mediaAttachable(who *principal, ids []string, now time.Time) ([]*media, bool) {
	if len(ids) == 0 {
		return nil, true
	}
	if len(ids) > 4 {
		return nil, false
	}
	seen := map[string]bool{}
	var out []*media
	photos, others := 0, 0
	for _, id := range ids {
		if seen[id] {
			return nil, false
		}
		seen[id] = true
		s.mu.Lock()
		m := s.media[id]
		s.mu.Unlock()
		if m == nil {
			return nil, false
		}
		m.mu.Lock()
		ok := m.mayUse(who.account.UserID) && m.progressAt(now, s.opts.Processing).state == stSucceeded
		fam := m.family
		m.mu.Unlock()
		if !ok {
			return nil, false
		}
		if fam == famImage {
			photos++
		} else {
			others++
		}
		out = append(out, m)
	}
	if others > 0 && len(ids) != 1 {
		return nil, false
	}
	return out, photos <= 4
}

// post records a post unless who already posted the same text; it returns
// false for a duplicate.
func (s *Server) post(who *principal, text string, ids []string, now time.Time) (TweetInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user := who.account.UserID
	if text != "" && s.posted[user][text] {
		return TweetInfo{}, false
	}
	if s.posted[user] == nil {
		s.posted[user] = map[string]bool{}
	}
	if text != "" {
		s.posted[user][text] = true
	}
	t := TweetInfo{ID: s.nextID(now), Text: text, MediaIDs: append([]string{}, ids...), AuthorID: user}
	if t.MediaIDs == nil {
		t.MediaIDs = []string{}
	}
	s.tweets = append(s.tweets, t)
	return t, true
}

// shortLink is the t.co link X appends to the text of a post with media.
func shortLink(id string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	n, _ := strconv.ParseUint(id, 10, 64)
	var b [10]byte
	for i := range b {
		b[i] = alphabet[n%62]
		n /= 62
	}
	return "https://t.co/" + string(b[:])
}

func displayText(t TweetInfo) string {
	if len(t.MediaIDs) == 0 {
		return t.Text
	}
	if t.Text == "" {
		return shortLink(t.ID)
	}
	return t.Text + " " + shortLink(t.ID)
}

// v1Tweet serves POST /1.1/statuses/update.json (form or query: status,
// media_ids as a comma list; trim_user honoured; other parameters ignored).
func (s *Server) v1Tweet(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	text := c.param("status")
	var ids []string
	if raw := c.param("media_ids"); raw != "" {
		for _, id := range strings.Split(raw, ",") {
			id = strings.TrimSpace(id)
			if !isNumericID(id) {
				c.v1Errors(http.StatusBadRequest, 44, "media_ids parameter is invalid.")
				return
			}
			ids = append(ids, id)
		}
	}
	if text == "" && len(ids) == 0 {
		c.v1Errors(http.StatusBadRequest, 170, "Missing required parameter: status.")
		return
	}
	if text != "" {
		if n, ok := weightedLength(text); !ok || n > maxWeightedLength {
			c.v1Errors(http.StatusForbidden, 186, "Tweet needs to be a bit shorter.")
			return
		}
	}
	ms, ok := s.mediaAttachable(c.who, ids, c.now)
	if !ok {
		c.v1Errors(http.StatusBadRequest, 324, "The validation of media ids failed.")
		return
	}
	t, ok := s.post(c.who, text, ids, c.now)
	if !ok {
		c.v1Errors(http.StatusForbidden, 187, "Status is a duplicate.")
		return
	}
	c.writeV1(http.StatusOK, s.v1TweetObject(c, t, ms, c.param("trim_user") == "true" || c.param("trim_user") == "1"))
}

// v1TweetObject builds a v1.1 Tweet with the top-level keys real ones have.
func (s *Server) v1TweetObject(c *call, t TweetInfo, ms []*media, trimUser bool) map[string]any {
	text := displayText(t)
	acct := c.who.account
	entities := map[string]any{"hashtags": []any{}, "symbols": []any{}, "user_mentions": []any{}, "urls": []any{}}
	obj := map[string]any{
		"created_at":                c.now.UTC().Format("Mon Jan 02 15:04:05 -0700 2006"),
		"id":                        json.Number(t.ID),
		"id_str":                    t.ID,
		"text":                      text,
		"truncated":                 false,
		"entities":                  entities,
		"source":                    `<a href="https://github.com/mediaup" rel="nofollow">mediaup sandbox</a>`,
		"in_reply_to_status_id":     nil,
		"in_reply_to_status_id_str": nil,
		"in_reply_to_user_id":       nil,
		"in_reply_to_user_id_str":   nil,
		"in_reply_to_screen_name":   nil,
		"geo":                       nil,
		"coordinates":               nil,
		"place":                     nil,
		"contributors":              nil,
		"is_quote_status":           false,
		"retweet_count":             0,
		"favorite_count":            0,
		"favorited":                 false,
		"retweeted":                 false,
		"lang":                      "en",
	}
	if trimUser {
		obj["user"] = map[string]any{"id": json.Number(acct.UserID), "id_str": acct.UserID}
	} else {
		obj["user"] = v1User(acct)
	}
	if len(ms) > 0 {
		link := shortLink(t.ID)
		start := len([]rune(t.Text))
		if t.Text != "" {
			start++
		}
		var list []map[string]any
		for _, m := range ms {
			m.mu.Lock()
			typ := "photo"
			switch {
			case m.family.isVideo():
				typ = "video"
			case m.family == famGIF:
				typ = "animated_gif"
			}
			list = append(list, map[string]any{
				"id":              json.Number(m.id),
				"id_str":          m.id,
				"indices":         []int{start, start + 23},
				"media_url":       "http://pbs.twimg.com/media/" + m.id + ".jpg",
				"media_url_https": "https://pbs.twimg.com/media/" + m.id + ".jpg",
				"url":             link,
				"display_url":     "pic.twitter.com/" + strings.TrimPrefix(link, "https://t.co/"),
				"expanded_url":    "https://twitter.com/" + acct.ScreenName + "/status/" + t.ID + "/photo/1",
				"type":            typ,
			})
			m.mu.Unlock()
		}
		thumb := map[string]any{}
		for k, v := range list[0] {
			thumb[k] = v
		}
		thumb["type"] = "photo"
		entities["media"] = []any{thumb}
		obj["extended_entities"] = map[string]any{"media": list}
		obj["possibly_sensitive"] = false
	}
	return obj
}

func v1User(a Account) map[string]any {
	return map[string]any{
		"id": json.Number(a.UserID), "id_str": a.UserID, "name": a.ScreenName, "screen_name": a.ScreenName,
		"location": "", "description": "", "url": nil,
		"entities":  map[string]any{"description": map[string]any{"urls": []any{}}},
		"protected": false, "followers_count": 0, "friends_count": 0, "listed_count": 0,
		"created_at": "Thu Jan 01 00:00:00 +0000 2015", "favourites_count": 0, "utc_offset": nil,
		"time_zone": nil, "geo_enabled": false, "verified": false, "statuses_count": 0, "lang": nil,
		"contributors_enabled": false, "is_translator": false, "is_translation_enabled": false,
		"profile_background_color": "F5F8FA", "profile_background_image_url": nil,
		"profile_background_image_url_https": nil, "profile_background_tile": false,
		"profile_image_url":       "http://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
		"profile_image_url_https": "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
		"profile_link_color":      "1DA1F2", "profile_sidebar_border_color": "C0DEED",
		"profile_sidebar_fill_color": "DDEEF6", "profile_text_color": "333333",
		"profile_use_background_image": true, "has_extended_profile": false, "default_profile": true,
		"default_profile_image": true, "following": false, "follow_request_sent": false,
		"notifications": false, "translator_type": "none",
	}
}

// v2TweetKeys are the top-level keys of CreatePostsRequest (openapi v2.167);
// the object allows no others. Only text and media have an effect here.
var v2TweetKeys = map[string]bool{
	"text": true, "media": true, "card_uri": true, "community_id": true, "direct_message_deep_link": true,
	"edit_options": true, "for_super_followers_only": true, "geo": true, "made_with_ai": true,
	"nullcast": true, "paid_partnership": true, "poll": true, "quote_tweet_id": true, "reply": true,
	"reply_settings": true, "share_with_followers": true,
}

var v2TweetMediaKeys = map[string]bool{
	"media_ids": true, "tagged_user_ids": true, "description": true, "title": true,
	"embeddable": true, "preview_media_id": true, "call_to_actions": true,
}

// v2Tweet serves POST /2/tweets (JSON {"text":…, "media":{"media_ids":[…]}}).
func (s *Server) v2Tweet(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	if c.ctype != "application/json" {
		c.v2Invalid("Requests with bodies must have content-type of application/json.", nil)
		return
	}
	top, msg := strictObject(c.body, "$", v2TweetKeys)
	if msg != "" {
		c.v2Invalid(msg, nil)
		return
	}
	var text string
	if raw, ok := top["text"]; ok {
		if err := json.Unmarshal(raw, &text); err != nil {
			c.v2Invalid("$.text: "+jsonKind(raw)+" found, string expected", nil)
			return
		}
	}
	var ids []string
	if raw, ok := top["media"]; ok {
		med, msg := strictObject(raw, "$.media", v2TweetMediaKeys)
		if msg != "" {
			c.v2Invalid(msg, nil)
			return
		}
		if raw, ok := med["media_ids"]; ok {
			if err := json.Unmarshal(raw, &ids); err != nil {
				c.v2Invalid("$.media.media_ids: "+jsonKind(raw)+" found, array of strings expected", nil)
				return
			}
			switch {
			case len(ids) == 0:
				c.v2Invalid("$.media.media_ids: there must be a minimum of 1 item in the array", nil)
				return
			case len(ids) > 4:
				c.v2Invalid("$.media.media_ids: there must be a maximum of 4 items in the array", nil)
				return
			}
			for i, id := range ids {
				if !isNumericID(id) {
					c.v2Invalid("$.media.media_ids["+strconv.Itoa(i)+"]: does not match the regex pattern ^[0-9]{1,19}$", nil)
					return
				}
			}
		}
		var tagged []string
		if raw, ok := med["tagged_user_ids"]; ok {
			if err := json.Unmarshal(raw, &tagged); err != nil || len(tagged) > 10 {
				c.v2Invalid("$.media.tagged_user_ids: there must be a maximum of 10 items in the array", nil)
				return
			}
		}
	}
	if text == "" && len(ids) == 0 {
		c.v2Invalid("A post needs text or media: text is empty and media.media_ids is missing.", map[string][]string{"text": {""}})
		return
	}
	if text != "" {
		if n, ok := weightedLength(text); !ok || n > maxWeightedLength {
			c.v2Invalid("Post text is "+strconv.Itoa(n)+" weighted characters, over the 280 limit (URLs count 23, emoji and CJK count 2).",
				map[string][]string{"text": {text}})
			return
		}
	}
	if _, ok := s.mediaAttachable(c.who, ids, c.now); !ok {
		c.v2Invalid("Your media IDs are invalid.", map[string][]string{"media.media_ids": ids})
		return
	}
	t, ok := s.post(c.who, text, ids, c.now)
	if !ok {
		c.v2Blank(http.StatusForbidden, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
		return
	}
	c.w.Header().Set("Location", requestBaseURL(c.r)+"/"+t.ID)
	c.writeV2(http.StatusCreated, map[string]any{"data": map[string]string{"id": t.ID, "text": displayText(t)}})
}

// strictObject decodes a JSON object and refuses keys outside allowed, with
// X's JSON-schema wording.
func strictObject(raw []byte, path string, allowed map[string]bool) (map[string]json.RawMessage, string) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, path + ": the request body must be a JSON object"
	}
	for k := range obj {
		if !allowed[k] {
			return nil, path + "." + k + ": is not defined in the schema and the schema does not allow additional properties"
		}
	}
	return obj, ""
}

// jsonKind names the JSON type of a raw value, for schema messages.
func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return "nothing"
	}
	switch s[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if strings.ContainsAny(s, ".eE") {
		return "number"
	}
	return "integer"
}
