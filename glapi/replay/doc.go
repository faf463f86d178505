// Package replay records the HTTP interactions of a run into a cassette
// (a go-vcr v4 YAML file) and replays them without any network.
//
// Both sit at the bottom of the client's transport chain (glapi.Config's
// Transport), so the token exchange is recorded and replayed too:
//
//	service -> Client.do -> Mode -> retry -> auth -> [Recorder | Player]
//
// Secrets never reach a cassette: before it is written, Authorization and
// cookie headers are dropped, the token request's client_secret and every
// JSON field holding a secret (clientSecret, access_token, refresh_token,
// password ...) are replaced by "<redacted>", and any other occurrence of
// a secret value seen in the run is scrubbed as well. A cassette therefore
// never needs a real secret to replay: the Player answers any token request
// with the recorded (redacted) token, and matching ignores what was redacted.
//
// Replay matches a request by method, path, query and JSON body (not by host,
// so a run recorded against one host replays against any), each recorded
// interaction once, in recorded order: repeated polls of one job get the
// recorded answers in turn. A request the cassette does not hold fails with a
// *DivergenceError naming the request, the closest recorded one and what
// differs.
package replay
