// Package sandbox is a faithful local X (Twitter) media and post API for
// mediaup's tests and demos: an http.Handler (Server) that answers both API
// versions from memory, verifies every OAuth 1.0a signature with its own code
// (it imports nothing of mediaup, so a signing bug in the client cannot hide),
// simulates processing, shapes the network and injects faults.
//
// Behaviour follows real recorded traffic first (tweepy, twitteroauth and
// extwitter cassettes; see testdata/README.md), then x-api.md.
//
// # Endpoints (one listener serves both X hosts' paths)
//
// v1.1 (upload.twitter.com and api.twitter.com shapes):
//
//	POST /1.1/media/upload.json           command=INIT|APPEND|FINALIZE (query, urlencoded body or multipart
//	                                      field); no command + media/media_data = simple upload
//	GET  /1.1/media/upload.json           command=STATUS&media_id=
//	POST /1.1/media/metadata/create.json  {"media_id":"…","alt_text":{"text":"…"}}
//	POST /1.1/statuses/update.json        status, media_ids (comma list), trim_user
//
// v2 (api.x.com shapes):
//
//	POST /2/media/upload/initialize       strict JSON
//	POST /2/media/upload/{id}/append      multipart (media + segment_index) or JSON (base64 media)
//	POST /2/media/upload/{id}/finalize
//	GET  /2/media/upload                  media_id=, command=STATUS optional
//	POST /2/media/upload                  one-shot, multipart or JSON base64, media_category required
//	POST /2/media/metadata                {"id":"…","metadata":{"alt_text":{"text":"…"}}}
//	POST /2/tweets                        {"text":…, "media":{"media_ids":[…]}}
//
// OAuth PIN flow: POST /oauth/request_token (oauth_callback=oob), GET
// /oauth/authorize?oauth_token= (an HTML page; the sandbox approves at once as
// the first account of that app, the demo account by default, and shows the
// 7-digit PIN as <code>1234567</code>), POST /oauth/access_token
// (oauth_verifier=PIN; the new token works on the API at once).
//
// Status codes as recorded: INIT 202; APPEND 204 with an empty
// text/html;charset=utf-8 body; FINALIZE 201 when synchronous (images, and
// video or GIF without media_category) or 200 with processing_info
// {"state":"pending","check_after_secs":1} when a category was given for a
// video or GIF; STATUS 200; simple upload 200; POST /2/tweets 201;
// statuses/update 200. v1.1 bodies write media_id as an exact 19-digit
// number literal (above 2^53) beside media_id_string, and escape "/" as X
// does ("image\/png"); v2 bodies wrap in "data" with string ids. media_key
// prefixes: 3_ image, 16_ animated GIF, 7_ video, 13_ amplify_video; v1.1
// shows media_key only when a media_category was given, v2 always.
//
// Every authenticated API response carries x-rate-limit-limit, -remaining and
// -reset, counted per user per command in 15-minute windows (INIT 200, APPEND
// 20000, FINALIZE 615, simple/one-shot upload 415, STATUS 1000, metadata 500,
// POST /2/tweets 200, statuses/update 300); when used up: 429 with
// {"errors":[{"code":88,"message":"Rate limit exceeded"}]} (v1.1) or the
// about:blank "Too Many Requests" problem (v2). INIT, APPEND and FINALIZE
// carry x-mediaid; APPEND carries x-segmentcount and x-totalbytes, both "0"
// as in every recording.
//
// # Errors
//
// Three shapes, as X uses them: the upload host's {"request":"\/1.1\/media\/upload.json","error":"…"}
// for v1.1 upload-request errors ("media type unrecognized.", "Segments do
// not add up to provided total file size.", "SegmentIndex must be between 0
// and 999.", "Invalid media_id: ….");
// {"errors":[{"code":N,"message":"…"}]} for v1.1 size limits (324), posts
// (44, 170, 186, 187, 324), 401 and 429; and v2 problem+json (400
// invalid-request with errors[{message, parameters}], about:blank 403/429/503).
//
// Authentication failures answer 401 {"errors":[{"code":32,"message":"Could not authenticate you."}]}
// on every path, v2 included, so the X code stays machine-readable; a
// timestamp more than 300 s from the clock gives code 135 "Timestamp out of
// bounds."; a reused nonce gives code 32. The signature base uses the URL the
// client addressed (scheme, Host header, path), query parameters, urlencoded
// body parameters (never multipart or JSON) and the oauth_* parameters from
// the Authorization header, the urlencoded body or the query (a parameter in
// two places is refused). A request signed for another host does not verify.
// Authentication comes before any other check, on the PIN-flow endpoints too
// (a wrong method is a 404 only once the signature holds), and a urlencoded
// body that does not parse cannot be verified: 401 code 32, not a 400.
//
// # Rules enforced
//
// Strict where X is strict: segment_index 0-999; a chunk over 5 MiB
// (5242880 bytes) is refused; segments must be contiguous from 0 and add up
// to total_bytes at FINALIZE; total_bytes over the limit for the kind at INIT
// is a 324 (image 5242880, GIF 15 MiB, video 512 MiB) and is checked again
// on the real bytes; media is sniffed by magic bytes at FINALIZE (MP4/MOV by
// their ftyp box; JPEG, PNG, GIF, WebP, BMP, TIFF by signature and header);
// ids expire 86400 s after INIT, and again 86400 s after FINALIZE; a post
// takes at most 4 images, or 1 GIF, or 1 video, never mixed, each succeeded,
// unexpired and owned by the poster or listing the poster in
// additional_owners; duplicate text from one user is refused; text is
// limited to 280 twitter-text v3 weighted characters; alt text to 1000
// characters; v2 initialize and /2/tweets refuse unknown JSON keys and
// wrongly typed values.
//
// Lenient where X is lenient: base64 media_data (and twitteroauth's base64
// media) in urlencoded or multipart bodies; OAuth parameters in the form body;
// unknown form and query parameters; APPENDs in any order and concurrently; a
// re-sent segment replaces the earlier one; media_category spelled
// tweet_image, TweetImage or TWEET_IMAGE on v1.1.
//
// # Processing
//
// Over Options.Processing P, counted by Options.Now from FINALIZE (never by
// polls): pending for the first tenth, then in_progress with
// progress_percent rising, then succeeded. check_after_secs is present only
// while pending or in_progress; expires_after_secs counts down. With P = 0
// FINALIZE still says pending and the first STATUS says succeeded. A video
// whose bytes are no MP4/MOV (announced with a category), or a fraction
// Options.FailProcessing of videos and GIFs, fails: from P/2 STATUS shows
// in_progress at 99 % with the error already attached and no
// check_after_secs (as X was seen to do), and from P failed with
// error{code:1,name:"InvalidMedia"} or {code:3,name:"UnsupportedMedia"}.
// A processed animated GIF reports video{"video_type":"video/mp4"}.
//
// # Network shaping and faults
//
// Options.Latency is added before every API response. Options.Bandwidth
// limits how fast each connection's request bytes are read (a token bucket per
// connection that starts empty, so N bytes take at least N/rate); Listen and
// sandboxtest.New apply it. Options.Faults is the fraction of media requests
// (INIT, APPEND, FINALIZE, STATUS, uploads, metadata; never posts, OAuth or
// inspection) that get one of: a TCP reset after about half the body; 500;
// 503; 429 with a reset 1-2 s ahead and retry-after: 1; a stall of 20 s (or
// until the client gives up) then 503. Faults come before authentication and
// change nothing: no nonce is used, no rate-limit slot taken, no segment
// stored (a faulted APPEND whose body arrived still counts in
// appended_bytes).
//
// # Inspection (unauthenticated JSON, a contract)
//
//	GET /sandbox/media        array of MediaInfo, in creation order
//	GET /sandbox/media/{id}   one MediaInfo; 404 for an unknown id
//	GET /sandbox/tweets       array of TweetInfo, in posting order
//	GET /sandbox/requests     RequestStats
//
// MediaInfo fields: media_id (string), media_key, owner_id,
// additional_owners ([]string), media_type (as declared, then as sniffed once
// finalized), media_category (normalized, "" if none), total_bytes,
// appended_bytes (every APPEND byte received for the id: re-sends, refused
// and faulted APPENDs whose body arrived included), sha256 (hex
// of the assembled file once finalized, else ""), state (uploading, pending,
// in_progress, succeeded, failed, expired), alt_text, expires_at (RFC 3339).
// TweetInfo fields: id, text (as posted, without the t.co media link X
// appends in responses), media_ids, author_id. RequestStats: by_endpoint
// (INIT, APPEND, FINALIZE, STATUS, UPLOAD, METADATA, TWEET, OAUTH, OTHER),
// by_status ("200", "204", …) and faults (reset, 500, 503, 429, stall).
// Inspection requests are not counted and get no latency. The same data is
// available in process from Server.Media, AllMedia, Tweets and Requests.
//
// # Choices where X is silent
//
//   - v2 APPEND answers 204 with no body, like v1.1 (the OpenAPI file says
//     200 {"data":{"expires_at":…}}; clients ignore the body).
//   - STATUS before FINALIZE is a 400; FINALIZE repeated on a finalized id
//     answers again with its current state (201 sync, 200 async).
//   - A video announced without a category whose bytes are not MP4/MOV, or
//     an MP4 announced as an image, is "media type unrecognized." at FINALIZE.
//   - A still GIF becomes a photo (3_ semantics for attachment rules); an
//     animated one an animated GIF.
//   - Uploading a video in one request (simple or one-shot) is a 324.
//   - Unknown, foreign (not owner or additional owner) and expired ids all
//     read "Invalid media_id: <id>." (X printed a missing one as "Some()").
//   - Text is not NFC-normalized before counting; URLs are http(s):// and www.
//     forms only (no bare domains).
//   - 500 faults use {"errors":[{"code":131,"message":"Internal error"}]} on
//     v1.1 and the observed {"errors":["internal server error"]} on v2; 503s
//     use code 130 "Over capacity" and the about:blank problem.
//   - Only oauth_callback=oob is supported (other callbacks: 403 code 417).
//   - --bandwidth: KB, MB and GB are 1024-based, as in every mediaup size (internal/size).
package sandbox
