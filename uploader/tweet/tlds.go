package tweet

import "strings"

// tlds are the top-level domains a URL may end in: every two-letter country
// code domain delegated by IANA and the generic domains people actually post.
// twitter-text knows every IANA TLD; this is a deliberate subset (a URL on a
// rare new gTLD counts by its characters instead of 23).
var tlds = func() map[string]bool {
	const cc = `ac ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br
bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er
es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie
il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc
md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe
pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su
sv sx sy sz tc td tf tg th tj tk tl tm tn to tp tr tt tv tw tz ua ug uk um us uy uz va vc ve vg vi vn vu wf
ws ye yt za zm zw`
	const generic = `com net org edu gov mil int arpa info biz name pro aero asia cat coop jobs mobi museum post tel
travel xxx app dev page blog shop store online site website tech xyz club live life art design cloud news media
link top world space digital email games studio agency company social today network systems solutions services
group global fun icu vip work one guru zone wiki photo photos video music film movie ninja rocks pizza party
lol wtf bot academy business center city community events expert express foundation fund gallery green health
house international land legal money ltd llc inc photography plus press report review reviews run school science
show software solar support team tips tools tours town toys training vision watch webcam wine works xn--p1ai
africa amsterdam bayern berlin boston brussels london nyc paris quebec tokyo wales scot eus gal moscow
google youtube apple amazon microsoft android chrome windows`
	m := map[string]bool{}
	for _, t := range strings.Fields(cc + " " + generic) {
		m[t] = true
	}
	return m
}()
