package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

// API families, which differ in error codes.
const (
	famCOM        = "com"
	famIdentity   = "identity"
	famWorkspaces = "workspaces"
	// The platform APIs of onboarding.
	famDevices       = "devices"
	famSubscriptions = "subscriptions"
	famCatalog       = "service-catalog"
	famAuthz         = "authorization"
	famSCIM          = "scim"
	famAudit         = "audit-log"
)

// platformFamily reports whether fam is one of the platform APIs, whose
// bad requests carry errorDetails issues.
func platformFamily(fam string) bool {
	switch fam {
	case famDevices, famSubscriptions, famCatalog, famAuthz, famAudit:
		return true
	}
	return false
}

// response is what a handler answers; ServeHTTP writes it (or a fault
// mangles it).
type response struct {
	status int
	header http.Header
	body   any // nil: no body
}

func jsonResp(status int, body any) response { return response{status: status, body: body} }

// with returns r with a header set.
func (r response) with(key, value string) response {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(key, value)
	return r
}

// issue is one entry of a COM bad-request error detail.
type issue struct{ source, subject string }

// errorCode returns the family's error code for an HTTP status.
func errorCode(fam string, status int) string {
	if fam == famCOM {
		return fmt.Sprintf("HPE-GL-COMPUTE_OPS-0%03d001", status)
	}
	switch status {
	case http.StatusBadRequest:
		switch fam {
		case famDevices:
			return "HPE_GL_DM_BAD_REQUEST"
		case famAuthz:
			return "HPE_AUTHZ_INVALID_FORMAT"
		}
		return "HPE_GL_ERROR_BAD_REQUEST"
	case http.StatusUnauthorized:
		return "HPE_GL_ERROR_UNAUTHORIZED"
	case http.StatusNotFound:
		if fam == famWorkspaces {
			return "HPE_GL_WORKSPACES_UNABLE_RETRIEVE_CREDENTIALS"
		}
		return "HPE_GL_ERROR_NOTFOUND"
	case http.StatusMethodNotAllowed:
		return "HPE_GL_ERROR_METHOD_NOT_ALLOWED"
	case http.StatusConflict:
		if fam == famWorkspaces {
			return "HPE_GL_WORKSPACES_UNABLE_CREATE_CREDENTIALS"
		}
		return "HPE_GL_IDENTITY_USER_ALREADY_EXISTS"
	case http.StatusUnsupportedMediaType:
		return "HPE_GL_ERROR_UNSUPPORTED_MEDIA_TYPE"
	case http.StatusTooManyRequests:
		return "HPE_GL_ERROR_TOO_MANY_REQUESTS"
	case http.StatusServiceUnavailable:
		return "HPE_GL_ERROR_SERVICE_UNAVAILABLE"
	}
	return "HPE_GL_ERROR_INTERNAL_SERVER_ERROR"
}

// apiError returns the error answer of family fam: the standard GreenLake
// error body (httpStatusCode, errorCode, message, debugId), with COM's
// errorDetails for bad parameters.
func (s *Sim) apiError(fam string, status int, msg string, issues ...issue) response {
	body := obj{
		"httpStatusCode": status,
		"errorCode":      errorCode(fam, status),
		"message":        msg,
		"debugId":        s.st.uuid(),
	}
	if (fam == famCOM || platformFamily(fam)) && len(issues) > 0 {
		var l []any
		for _, is := range issues {
			it := obj{"source": is.source, "subject": is.subject}
			if platformFamily(fam) {
				it["description"] = msg
			}
			l = append(l, it)
		}
		body["errorDetails"] = []any{obj{"type": "hpe.greenlake.bad_request", "issues": l}}
	}
	if fam == famSCIM {
		// SCIM's Error, with the platform's body as its extension.
		return jsonResp(status, obj{
			"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:Error"},
			"status":  strconv.Itoa(status),
			"detail":  msg,
			"urn:ietf:params:scim:schemas:extensions:hpe-greenlake:2.0:Error": body,
		}).with("Content-Type", "application/scim+json")
	}
	return jsonResp(status, body)
}

// tooMany returns a 429 answer asking to wait secs seconds, with the
// Retry-After header and, on COM, the retry_info error detail.
func (s *Sim) tooMany(fam string, secs int, msg string) response {
	r := s.apiError(fam, http.StatusTooManyRequests, msg)
	if fam == famCOM {
		r = withRetryInfo(r, secs)
	}
	return r.with("Retry-After", strconv.Itoa(secs))
}

// withRetryInfo adds to an error answer of apiError the COM retry_info
// error detail asking to wait secs seconds.
func withRetryInfo(r response, secs int) response {
	if body, ok := r.body.(obj); ok {
		body["errorDetails"] = []any{obj{"type": "hpe.greenlake.retry_info", "retryAfterSeconds": secs}}
	}
	return r
}
