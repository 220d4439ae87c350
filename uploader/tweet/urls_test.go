package tweet

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func extract(s string) []string {
	var out []string
	for _, sp := range findURLs(s) {
		out = append(out, s[sp.start:sp.end])
	}
	return out
}

// TestFindURLsConformance runs cases from twitter-text's conformance suite,
// conformance/extract.yml, section urls (twitter/twitter-text v3.1.0,
// Apache-2.0). Left out, as outside this subset: IDN top-level domains
// ("twitter.みんな") and hosts longer than 63 characters in another script.
func TestFindURLsConformance(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want []string
	}{
		{"http://example.com", []string{"http://example.com"}},
		{"http://ああ.com", []string{"http://ああ.com"}},
		{"http://あ-あ.com", []string{"http://あ-あ.com"}},
		{"text http://google.com", []string{"http://google.com"}},
		{"text http://foobar.com/#", []string{"http://foobar.com/#"}},
		{"text http://google.com/#foo", []string{"http://google.com/#foo"}},
		{"text http://google.com/#search?q=iphone%20-filter%3Alinks", []string{"http://google.com/#search?q=iphone%20-filter%3Alinks"}},
		{"text http://somedomain.com/index.php?path=/abc/def/", []string{"http://somedomain.com/index.php?path=/abc/def/"}},
		{"text http://www.boingboing.net/2007/02/14/katamari_damacy_phon.html", []string{"http://www.boingboing.net/2007/02/14/katamari_damacy_phon.html"}},
		{"text http://somehost.com:3000", []string{"http://somehost.com:3000"}},
		{"text http://xo.com/~matthew+%ff-x", []string{"http://xo.com/~matthew+%ff-x"}},
		{"text http://xo.com/~matthew+%ff-,.;x", []string{"http://xo.com/~matthew+%ff-,.;x"}},
		{"text http://xo.com/,.;x", []string{"http://xo.com/,.;x"}},
		{"text http://en.wikipedia.org/wiki/Primer_(film)", []string{"http://en.wikipedia.org/wiki/Primer_(film)"}},
		{"text http://www.ams.org/bookstore-getitem/item=mbk-59", []string{"http://www.ams.org/bookstore-getitem/item=mbk-59"}},
		{"text http://✪df.ws/ejp", []string{"http://✪df.ws/ejp"}},
		{"test http://example.comだよね.comtest/hogehoge", []string{"http://example.com"}},
		{"text http://chilp.it/?77e8fd", []string{"http://chilp.it/?77e8fd"}},
		{"text http://x.com/oneletterdomain", []string{"http://x.com/oneletterdomain"}},
		{"text http://msdn.microsoft.com/ja-jp/library/system.net.httpwebrequest(v=VS.100).aspx", []string{"http://msdn.microsoft.com/ja-jp/library/system.net.httpwebrequest(v=VS.100).aspx"}},
		{"text https://www.youtube.com/watch?v=LOxOAuDHzaw&list=PLPoq910Q9jXhuH6pit_KwIsck9fEz_9U-", []string{"https://www.youtube.com/watch?v=LOxOAuDHzaw&list=PLPoq910Q9jXhuH6pit_KwIsck9fEz_9U-"}},
		{"text http://no-tld", nil},
		{"text http://tld-too-short.x", nil},
		{"(http://twitter.com", []string{"http://twitter.com"}},
		{"text http://word-and-a-number-8-ftw.domain.com/", []string{"http://word-and-a-number-8-ftw.domain.com/"}},
		{"text http://domain.com-that-you-should-have-put-a-space-after", nil},
		{"text http://foo.com?#foo text", []string{"http://foo.com?#foo"}},
		{"foo.com foo.net foo.org foo.edu foo.gov", []string{"foo.com", "foo.net", "foo.org", "foo.edu", "foo.gov"}},
		{"foo.baz foo.co.jp www.xxxxxxx.baz www.foo.co.uk wwwww.xxxxxxx foo.comm foo.somecom foo.govedu foo.jp", []string{"foo.co.jp", "www.foo.co.uk", "foo.jp"}},
		{"t.co/abcde bit.ly/abcde", []string{"t.co/abcde", "bit.ly/abcde"}},
		{"http://foo.jp http://fooooo.jp", []string{"http://foo.jp", "http://fooooo.jp"}},
		{"Go to http://example.com/a+ or http://example.com/a-", []string{"http://example.com/a+", "http://example.com/a-"}},
		{"Go to http://example.com/view/slug-url-?foo=bar", []string{"http://example.com/view/slug-url-?foo=bar"}},
		{"Go to https://en.m.wikipedia.org/wiki/Hatfield–McCoy_feud please", []string{"https://en.m.wikipedia.org/wiki/Hatfield–McCoy_feud"}},
		{"@user Try http:// example.com/path", []string{"example.com/path"}},
		{"これは日本語です。example.com/path/index.html中国語example.com/path한국", []string{"example.com/path/index.html", "example.com/path"}},
		{"twitter.comこれは日本語です。example.com中国語t.co/abcde한국twitter.com example2.comテストtwitter.com/abcde", []string{"twitter.com", "example.com", "t.co/abcde", "twitter.com", "example2.com", "twitter.com/abcde"}},
		{"http://twitter.com/これは日本語です。example.com中国語http://t.co/abcde한국twitter.comテストexample2.comテストhttp://twitter.com/abcde", []string{"http://twitter.com/", "example.com", "http://t.co/abcde", "twitter.com", "example2.com", "http://twitter.com/abcde"}},
		{"Go to http://twitter.com/Русские_слова", []string{"http://twitter.com/Русские_слова"}},
		{"http://exampleこれは日本語です.com/path/index.html", []string{"http://exampleこれは日本語です.com/path/index.html"}},
		{"twitter.jp日本語it.so中国語foo.jp it.so foo.jp", []string{"twitter.jp", "it.so", "foo.jp", "it.so", "foo.jp"}},
		{"Hello http://xn--はじめよう.com/index.html", nil},
		{"text http://domain-dash_2314352345_dfasd.foo-cow_4352.com", nil},
		{"Email me at name.al-lastname@foo.com or name.al+lastname@foo.com", nil},
		{"Find my page at name.al-lastname.com", []string{"name.al-lastname.com"}},
		{"MLB.tv vine.co twitch.tv t.co", []string{"MLB.tv", "vine.co", "twitch.tv", "t.co"}},
		{"@user Try http://\u00a0example.com/path", []string{"example.com/path"}},
		{"test http://sub_domain-dash.twitter.com", []string{"http://sub_domain-dash.twitter.com"}},
		{"test http://a.b.cd", []string{"http://a.b.cd"}},
		{"test http://a_b.c-d.com", []string{"http://a_b.c-d.com"}},
		{"test http://a-b.c.com", []string{"http://a-b.c.com"}},
		{"test http://twitter-dash.com", []string{"http://twitter-dash.com"}},
		{"http://www.bestbuy.com/site/Currie+Technologies+-+Ezip+400+Scooter/9885188.p?id=1218189013070&skuId=9885188", []string{"http://www.bestbuy.com/site/Currie+Technologies+-+Ezip+400+Scooter/9885188.p?id=1218189013070&skuId=9885188"}},
		{"test http://-leadingdash.twitter.com", nil},
		{"test http://leadingdash.-twitter.com", nil},
		{"test http://trailingdash-.twitter.com", nil},
		{"test http://trailingdash.twitter-.com", nil},
		{"test http://_leadingunderscore.twitter.com", nil},
		{"test http://leadingunderscore._twitter.com", nil},
		{"test http://trailingunderscore_.twitter.com", nil},
		{"test http://trailingunderscore.twitter_.com", nil},
		{"test http://-twitter.com", nil},
		{"test http://twitter-.com", nil},
		{"test http://twitter_underscore.com", nil},
		{"test http://twitter.c_o_m", nil},
		{"test http://www.foo.com/foo/path-with-period./", []string{"http://www.foo.com/foo/path-with-period./"}},
		{"test http://www.foo.org.za/foo/bar/688.1", []string{"http://www.foo.org.za/foo/bar/688.1"}},
		{"test http://www.foo.com/bar-path/some.stm?param1=foo;param2=P1|0||P2|0", []string{"http://www.foo.com/bar-path/some.stm?param1=foo;param2=P1|0||P2|0"}},
		{"test http://foo.com/bar/123/foo_&_bar/", []string{"http://foo.com/bar/123/foo_&_bar/"}},
		{"test http://www.cp.sc.edu/events/65 test", []string{"http://www.cp.sc.edu/events/65"}},
		{"http://www.andersondaradio.no.comunidades.net/ test test", []string{"http://www.andersondaradio.no.comunidades.net/"}},
		{"test ELPAÍS.com", []string{"ELPAÍS.com"}},
		{"test http://twitter.com/.", []string{"http://twitter.com/"}},
		{"text http://tn.com.ar/show/00056158/la-estrella-del-certamen-el-turno-de-pamela-anderson?fb_xd_fragment#?=&cb=fe17523f223b7&relation=parent.parent&transport=fragment&type=resize&height=20&ackdata text", []string{"http://tn.com.ar/show/00056158/la-estrella-del-certamen-el-turno-de-pamela-anderson?fb_xd_fragment#?=&cb=fe17523f223b7&relation=parent.parent&transport=fragment&type=resize&height=20&ackdata"}},
		{"Test a ton of periods http://example.com/path..........................................", []string{"http://example.com/path"}},
		{"Test a ton of periods http://example.com/,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", []string{"http://example.com/"}},
		{"Test a ton of periods http://example.com/path/!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", []string{"http://example.com/path/"}},
		{"#test.com @test.com #http://test.com @http://test.com #t.co/abcde @t.co/abcde", nil},
		{"I really like http://t.co/pbY2NfTZ's website", []string{"http://t.co/pbY2NfTZ"}},
		{"Check this site out http://t.co/FNkPfmii- it's great", []string{"http://t.co/FNkPfmii"}},
		{"According to http://t.co/ulYGBYSo: the internet is cool", []string{"http://t.co/ulYGBYSo"}},
		{"I really like http://t.co/abcdefghijklmnopqrstuvwxyz0123456789", []string{"http://t.co/abcdefghijklmnopqrstuvwxyz0123456789"}},
		{"I really like http://t.co/abcdefghijklmnopqrstuvwxyz012345678901234", nil},
		{"http://twitter.com\nhttp://example.com\nhttp://example.com/path\nexample.com/path\nit.so\nit.so/abcde", []string{"http://twitter.com", "http://example.com", "http://example.com/path", "example.com/path", "it.so", "it.so/abcde"}},
		{"$http://twitter.com $twitter.com $http://t.co/abcde $t.co/abcde $t.co $TVI.CA $RBS.CA", nil},
		{"long.test.tar.bz2 test.tar.bz2 tar.bz2", nil},
		{"john.doe.gov@mail.com", nil},
		{"john.doe.jp@mail.com", nil},
	}
	for _, c := range cases {
		if got := extract(c.text); !slices.Equal(got, c.want) {
			t.Errorf("findURLs(%q)\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

// TestFindURLsLongInput guards against quadratic scanning: every start
// position inside a long run must be rejected at once, not re-scan the run.
func TestFindURLsLongInput(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		strings.Repeat("é", 200000) + ".com",
		strings.Repeat("a.", 200000) + "zz",
		strings.Repeat("a_", 200000),
		"http://" + strings.Repeat("日", 200000),
		"http://" + manyRunes(100000) + ".com",
	} {
		start := time.Now()
		got := extract(s)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("findURLs on %d bytes took %v", len(s), d)
		}
		if len(got) > 1 {
			t.Errorf("findURLs found %d URLs in a run", len(got))
		}
	}
}

// manyRunes returns n CJK code points, 20000 of them distinct.
func manyRunes(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteRune(rune(0x4E00 + i%20000))
	}
	return b.String()
}
