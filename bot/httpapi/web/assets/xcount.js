// xcount.js: X's weighted character count, a hand-written port of
// integrations/twitter/weighted.go (twitter-text config v3) so the composer's
// counter agrees with the server. The Go test TestXCountAgreesWithServer runs
// both on tricky strings in Chromium; keep the two in step.
(function (global) {
  "use strict";
  // The TLD lists are integrations/twitter/tlds.go's (checked by the same test).
  var CC = new Set((
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw " +
    "by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et " +
    "eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id " +
    "ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu " +
    "lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np " +
    "nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk " +
    "sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy " +
    "uz va vc ve vg vi vn vu wf ws ye yt za zm zw "
  ).trim().split(" "));
  var GENERIC = new Set((
    "academy accountant accountants actor ads aero agency ai airforce amazon amsterdam analytics " +
    "apartments app apple archi army arpa art asia associates attorney auction audio auto autos baby band " +
    "bank bar barcelona bargains bayern beer berlin best bet bible bid bike bingo bio biz black " +
    "blackfriday blog blue boats boston boutique build builders business buzz cab cafe cam camera camp " +
    "capital car cards care career careers cars casa cash casino cat catering center ceo chat cheap " +
    "church city claims cleaning click clinic clothing cloud club coach codes coffee college com " +
    "community company computer condos construction consulting contractors cooking cool coop country " +
    "coupons courses credit creditcard cricket cruises cymru dance date dating day deals degree delivery " +
    "democrat dental dentist design dev diamonds diet digital direct directory discount doctor dog " +
    "domains download earth eco edu education email energy engineer engineering enterprises equipment " +
    "estate events exchange expert exposed express fail faith family fan fans farm fashion film finance " +
    "financial fish fishing fit fitness flights florist flowers football forsale foundation free fun fund " +
    "furniture futbol fyi gallery game games garden gay gift gifts gives glass global gmbh gold golf " +
    "google gov graphics gratis green gripe group guide guitars guru hamburg haus health healthcare help " +
    "hiphop hiv hockey holdings holiday homes horse hospital host hosting house how icu immo inc " +
    "industries info ink institute insure int international investments irish jetzt jewelry jobs kaufen " +
    "kim kitchen kiwi land lat law lawyer lease legal lgbt life lighting limited limo link live llc loan " +
    "loans lol london love ltd luxury maison management market marketing mba media memorial men menu " +
    "miami microsoft mil mobi mobile moda moe mom money monster mortgage moscow motorcycles mov movie " +
    "museum music name navy net network new news ninja nyc observer one ong onl online ooo org organic " +
    "page paris partners parts party pet phd photo photography photos pics pictures pink pizza place " +
    "plumbing plus poker porn post press pro productions promo properties property pub quebec racing " +
    "radio realestate realty recipes red rehab reise reisen rent rentals repair report republican rest " +
    "restaurant review reviews rich rip rocks rodeo run sale salon sarl school schule science scot " +
    "security services sex sexy shiksha shoes shop shopping show singles site ski soccer social software " +
    "solar solutions soy space sport spot srl store stream studio study style sucks supplies supply " +
    "support surf surgery swiss systems tattoo tax taxi team tech technology tel tennis theater theatre " +
    "tickets tienda tips tires today tokyo tools top tours town toys trade trading training travel tube " +
    "university uno vacations vegas ventures vet viajes video villas vin vip vision vodka vote voting " +
    "voto voyage wales wang watch webcam website wedding whoswho wien wiki win wine work works world wtf " +
    "xxx xyz yoga yokohama youtube zone "
  ).trim().split(" "));

  var LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
  var ZWJ = 0x200d, VS16 = 0xfe0f, VS15 = 0xfe0e;
  var LETTER = /\p{L}/u, DIGIT = /\p{Nd}/u, MARK = /\p{Mn}/u;
  var SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

  function ch(cp) { return cp === undefined ? "" : String.fromCodePoint(cp); }
  function isLetter(cp) { return cp !== undefined && LETTER.test(ch(cp)); }
  function isDigit(cp) { return cp !== undefined && DIGIT.test(ch(cp)); }
  function utf8Len(cps) {
    var n = 0;
    for (var i = 0; i < cps.length; i++) { var c = cps[i]; n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }
    return n;
  }
  function str(cps, a, b) { return String.fromCodePoint.apply(null, cps.slice(a, b)); }

  function runeWeight(cp) {
    for (var i = 0; i < LIGHT.length; i++) { if (cp >= LIGHT[i][0] && cp <= LIGHT[i][1]) return 100; }
    return 200;
  }

  function isRegional(cp) { return cp >= 0x1f1e6 && cp <= 0x1f1ff; }
  function isSkinTone(cp) { return cp >= 0x1f3fb && cp <= 0x1f3ff; }
  function isKeycapBase(cp) { return cp === 0x23 || cp === 0x2a || (cp >= 0x30 && cp <= 0x39); }
  function pictographic(r) {
    return r === 0xa9 || r === 0xae || r === 0x203c || r === 0x2049 || r === 0x2122 || r === 0x2139 ||
      (r >= 0x2194 && r <= 0x21aa) || (r >= 0x231a && r <= 0x23ff) || r === 0x24c2 ||
      (r >= 0x25aa && r <= 0x25fe) || (r >= 0x2600 && r <= 0x27bf) || r === 0x2934 || r === 0x2935 ||
      (r >= 0x2b05 && r <= 0x2b55) || r === 0x3030 || r === 0x303d || r === 0x3297 || r === 0x3299 ||
      (r >= 0x1f000 && r <= 0x1faff);
  }

  // emojiAt returns how many code points the emoji sequence at s[i] spans, or 0.
  function emojiAt(s, i) {
    var r = s[i];
    if (isRegional(r)) return isRegional(s[i + 1]) ? 2 : 1;
    if (isKeycapBase(r)) {
      var j = i + 1;
      if (s[j] === VS16) j++;
      return s[j] === 0x20e3 ? j + 1 - i : 0;
    }
    if (!pictographic(r)) return 0;
    var k = i + emojiElement(s, i);
    while (s[k] === ZWJ && s[k + 1] !== undefined && pictographic(s[k + 1])) {
      k += 1 + emojiElement(s, k + 1);
    }
    return k - i;
  }

  function emojiElement(s, i) {
    var r = s[i], j = i + 1;
    if (s[j] === VS16 || s[j] === VS15) j++;
    if (isSkinTone(s[j]) && !isSkinTone(r)) j++;
    if (r === 0x1f3f4) {
      var k = j;
      while (s[k] >= 0xe0020 && s[k] <= 0xe007e) k++;
      if (s[k] === 0xe007f && k > j) j = k + 1;
    }
    return j - i;
  }

  function knownTLD(label) {
    var l = str(label, 0, label.length).toLowerCase();
    return utf8Len(label) === 2 ? CC.has(l) : GENERIC.has(l);
  }

  function followedByDomainChar(s, end) {
    var r = s[end];
    if (r === undefined) return false;
    return isLetter(r) || isDigit(r) || r === 0x40 || r === 0x2b || r === 0x2d || r === 0x5f;
  }

  function labelChar(r, unicodeLabels) {
    if ((r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r === 0x2d || r === 0x5f) return true;
    return unicodeLabels && r > 0x7f && (isLetter(r) || isDigit(r) || MARK.test(ch(r)));
  }

  // scanDomain reads dot-separated labels from s[j]; null unless they end in a known TLD.
  function scanDomain(s, j, unicodeLabels) {
    var labels = [], k = j;
    for (;;) {
      var start = k;
      while (k < s.length && labelChar(s[k], unicodeLabels)) k++;
      if (k === start) break;
      labels.push([start, k]);
      if (k < s.length && s[k] === 0x2e && k + 1 < s.length) { k++; continue; }
      break;
    }
    for (var n = labels.length; n >= 2; n--) {
      var last = labels[n - 1];
      if (!knownTLD(s.slice(last[0], last[1])) || followedByDomainChar(s, last[1])) continue;
      for (var m = 0; m < n - 1; m++) {
        if (s[labels[m][0]] === 0x2d || s[labels[m][1] - 1] === 0x2d) return null;
      }
      return { end: last[1], first: s.slice(labels[0][0], labels[0][1]), tld: s.slice(last[0], last[1]) };
    }
    return null;
  }

  var NOT_BEFORE = new Set([0x40, 0xff20, 0x24, 0x23, 0xff03, 0x5f]);
  var NOT_BEFORE_BARE = new Set([0x2d, 0x5f, 0x2e, 0x2f]);
  var PATH_STOP = new Set([0x3c, 0x3e, 0x22, 0x60, 0x300c, 0x300d]);
  var TRAILING = new Set(Array.from(".,:;!?'\")]}").map(function (c) { return c.codePointAt(0); }));

  function lowerASCII(cp) { return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp; }
  function startsWithFold(s, i, p) {
    if (s.length - i < p.length) return false;
    for (var n = 0; n < p.length; n++) { if (lowerASCII(s[i + n]) !== p.charCodeAt(n)) return false; }
    return true;
  }

  // urlAt returns how many code points the URL at s[i] spans, or 0.
  function urlAt(s, i) {
    if (i > 0) {
      var prev = s[i - 1];
      if (isLetter(prev) || isDigit(prev) || NOT_BEFORE.has(prev) || (prev >= 0x202a && prev <= 0x202e)) return 0;
    }
    var j = i, scheme = false;
    var schemes = ["https://", "http://"];
    for (var n = 0; n < schemes.length; n++) {
      if (startsWithFold(s, i, schemes[n])) { j += schemes[n].length; scheme = true; break; }
    }
    if (!scheme && i > 0 && NOT_BEFORE_BARE.has(s[i - 1])) return 0;
    var d = scanDomain(s, j, scheme);
    if (!d) return 0;
    j = d.end;
    if (s[j] === 0x3a) {
      var k = j + 1;
      while (s[k] >= 0x30 && s[k] <= 0x39) k++;
      if (k > j + 1) j = k;
    }
    var hasPath = false;
    if (s[j] === 0x2f || s[j] === 0x3f) {
      var e = j;
      while (e < s.length && !SPACE.test(ch(s[e])) && !PATH_STOP.has(s[e])) e++;
      while (e > j + 1 && TRAILING.has(s[e - 1])) e--;
      hasPath = e > j + 1 || s[j] === 0x2f;
      j = e;
    }
    if (!scheme && !hasPath && utf8Len(d.tld) === 2 && utf8Len(d.first) <= 2 &&
        (str(d.first, 0, d.first.length) + "." + str(d.tld, 0, d.tld.length)).toLowerCase() !== "t.co") {
      return 0;
    }
    return j - i;
  }

  // weightedLength counts text as X does (see weighted.go).
  function weightedLength(text) {
    var s = Array.from(String(text).normalize("NFC"), function (c) { return c.codePointAt(0); });
    var weight = 0;
    for (var i = 0; i < s.length;) {
      var n = urlAt(s, i);
      if (n > 0) { weight += 2300; i += n; continue; }
      n = emojiAt(s, i);
      if (n > 0) { weight += 200; i += n; continue; }
      weight += runeWeight(s[i]);
      i++;
    }
    return Math.floor(weight / 100);
  }

  global.MMCount = {
    xWeighted: weightedLength,
    tlds: function () { return { cc: Array.from(CC), generic: Array.from(GENERIC) }; }
  };
})(window);
