// The invitation flow of tests/e2e/test_clients.py, driven by the AWS SDK for Go v2 (the SDK
// Terraform's AWS provider is built on), plus what only a typed SDK can check: paginators, and
// service errors matched with errors.As to their generated types.
//
// The plan comes as JSON on argv[1] (or on stdin when there is no argument):
//
//	{"endpoint": "http://127.0.0.1:PORT", "endpoint_mode": "service_resolver",
//	 "region": "eu-west-1", "management": "111111111111", "invitee": "222222222222",
//	 "extra": ["333333333333", ...], "page_size": 2, "allowed_host": "127.0.0.1:PORT"}
//
// endpoint_mode says how the clients find the emulator:
//   - service_resolver: organizations.Options.EndpointResolver = organizations.EndpointResolverFromURL(endpoint)
//   - config_resolver:  config.WithEndpointResolverWithOptions(aws.EndpointResolverWithOptionsFunc(...)),
//     the way Terraform's AWS provider configured custom endpoints before configured endpoints existed
//   - environment:      no endpoint in code at all; only what the SDK reads from the environment
//     (AWS_ENDPOINT_URL_ORGANIZATIONS / AWS_ENDPOINT_URL, where the SDK version reads them)
//
// Every request goes through an HTTP client that sends only to allowed_host and refuses anything
// else (e.g. the real AWS endpoint when the SDK ignores the endpoint variables), recording every
// URL it was asked for. (That client has no TLS settings to adjust: run without AWS_CA_BUNDLE,
// which the SDK would refuse to apply to it.) With "extra" accounts the Go-specific checks run after the flow.
//
// Prints one JSON object with every answer. Exit code 0 when every step went as planned, 1 when
// a step failed (the object then has "failed": {"step", "error"}), 2 for an unreadable plan.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"runtime"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
)

type plan struct {
	Endpoint     string   `json:"endpoint"`
	EndpointMode string   `json:"endpoint_mode"`
	Region       string   `json:"region"`
	Management   string   `json:"management"`
	Invitee      string   `json:"invitee"`
	Extra        []string `json:"extra"`
	PageSize     int32    `json:"page_size"`
	AllowedHost  string   `json:"allowed_host"`
}

// guard is the SDK's HTTP client: it forwards requests for the emulator and refuses the rest.
type guard struct {
	allowed string
	next    *http.Client
	mu      sync.Mutex
	urls    []string // every distinct URL asked for, in order
	count   int      // requests asked for
	agent   string   // the first request's User-Agent
}

func (g *guard) Do(req *http.Request) (*http.Response, error) {
	u := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	g.mu.Lock()
	g.count++
	seen := false
	for _, v := range g.urls {
		seen = seen || v == u
	}
	if !seen {
		g.urls = append(g.urls, u)
	}
	if g.agent == "" {
		g.agent = req.Header.Get("User-Agent")
	}
	g.mu.Unlock()
	if req.URL.Host != g.allowed {
		return nil, fmt.Errorf("refused by the test: %s is not the emulator (%s)", u, g.allowed)
	}
	return g.next.Do(req)
}

// failure ends the run: the step that failed and the error, printed with everything so far.
type failure struct {
	step string
	err  error
}

type run struct {
	plan  plan
	guard *guard
	ctx   context.Context
	out   map[string]interface{}
}

func (r *run) must(step string, err error) {
	if err != nil {
		panic(failure{step, err})
	}
}

func (r *run) client(account string) *organizations.Client {
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(r.plan.Region),
		// The access key id names the account; any secret works.
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(account, "secret-of-"+account, "")),
		config.WithHTTPClient(r.guard),
		// A failure must show at once, not after the SDK's retries.
		config.WithRetryMaxAttempts(1),
	}
	if r.plan.EndpointMode == "config_resolver" {
		url := r.plan.Endpoint
		opts = append(opts, config.WithEndpointResolverWithOptions(aws.EndpointResolverWithOptionsFunc(
			func(service, region string, options ...interface{}) (aws.Endpoint, error) {
				if service == organizations.ServiceID {
					return aws.Endpoint{URL: url, SigningRegion: region, Source: aws.EndpointSourceCustom}, nil
				}
				// Anything else: the SDK's own endpoint.
				return aws.Endpoint{}, &aws.EndpointNotFoundError{}
			})))
	}
	cfg, err := config.LoadDefaultConfig(r.ctx, opts...)
	r.must("LoadDefaultConfig", err)
	return organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		if r.plan.EndpointMode == "service_resolver" {
			o.EndpointResolver = organizations.EndpointResolverFromURL(r.plan.Endpoint)
		}
	})
}

// serviceError describes an error answered by the service: its code, message, HTTP status and
// request id, as the SDK parsed them.
func serviceError(err error) map[string]interface{} {
	d := map[string]interface{}{"error": err.Error()}
	var api smithy.APIError
	if errors.As(err, &api) {
		d["code"] = api.ErrorCode()
		d["message"] = api.ErrorMessage()
		d["fault"] = api.ErrorFault().String()
	}
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) {
		d["status"] = resp.HTTPStatusCode()
		d["request_id"] = resp.ServiceRequestID()
	}
	return d
}

func (r *run) flow() {
	p := r.plan
	management, invitee := r.client(p.Management), r.client(p.Invitee)

	created, err := management.CreateOrganization(r.ctx, &organizations.CreateOrganizationInput{
		FeatureSet: types.OrganizationFeatureSetAll,
	})
	r.must("CreateOrganization", err)
	r.out["organization"] = created.Organization

	invited, err := management.InviteAccountToOrganization(r.ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &types.HandshakeParty{Id: aws.String(p.Invitee), Type: types.HandshakePartyTypeAccount},
		Notes:  aws.String("from the AWS SDK for Go v2"),
	})
	r.must("InviteAccountToOrganization", err)
	r.out["invited"] = invited.Handshake

	received, err := invitee.ListHandshakesForAccount(r.ctx, &organizations.ListHandshakesForAccountInput{})
	r.must("ListHandshakesForAccount", err)
	r.out["received"] = received.Handshakes

	accepted, err := invitee.AcceptHandshake(r.ctx, &organizations.AcceptHandshakeInput{HandshakeId: invited.Handshake.Id})
	r.must("AcceptHandshake", err)
	r.out["accepted"] = accepted.Handshake

	accounts, err := management.ListAccounts(r.ctx, &organizations.ListAccountsInput{})
	r.must("ListAccounts", err)
	r.out["accounts"] = accounts.Accounts

	_, err = invitee.ListAccounts(r.ctx, &organizations.ListAccountsInput{})
	if err == nil {
		r.out["member_list_accounts"] = nil
	} else {
		d := serviceError(err)
		var denied *types.AccessDeniedException
		d["typed"] = errors.As(err, &denied)
		r.out["member_list_accounts"] = d
	}

	if len(p.Extra) > 0 {
		r.goChecks(management)
	}
}

// goChecks: more members (one of them invited twice), ListAccounts through its paginator, and a
// tag limit refused with a typed ConstraintViolationException.
func (r *run) goChecks(management *organizations.Client) {
	p := r.plan
	for i, account := range p.Extra {
		_, err := management.InviteAccountToOrganization(r.ctx, &organizations.InviteAccountToOrganizationInput{
			Target: &types.HandshakeParty{Id: aws.String(account), Type: types.HandshakePartyTypeAccount},
		})
		r.must("InviteAccountToOrganization "+account, err)
		if i == 0 {
			// The same account again while its invitation is OPEN.
			_, err = management.InviteAccountToOrganization(r.ctx, &organizations.InviteAccountToOrganizationInput{
				Target: &types.HandshakeParty{Id: aws.String(account), Type: types.HandshakePartyTypeAccount},
			})
			if err == nil {
				r.out["duplicate"] = nil
			} else {
				d := serviceError(err)
				var dup *types.DuplicateHandshakeException
				d["typed"] = errors.As(err, &dup)
				if dup != nil {
					d["typed_message"] = dup.ErrorMessage()
				}
				r.out["duplicate"] = d
			}
		}
	}
	joined := []string{}
	for _, account := range p.Extra {
		member := r.client(account)
		received, err := member.ListHandshakesForAccount(r.ctx, &organizations.ListHandshakesForAccountInput{})
		r.must("ListHandshakesForAccount "+account, err)
		for _, h := range received.Handshakes {
			if h.State == types.HandshakeStateOpen {
				_, err = member.AcceptHandshake(r.ctx, &organizations.AcceptHandshakeInput{HandshakeId: h.Id})
				r.must("AcceptHandshake "+account, err)
				joined = append(joined, account)
			}
		}
	}
	r.out["joined"] = joined

	pages := [][]string{}
	paginator := organizations.NewListAccountsPaginator(management, &organizations.ListAccountsInput{
		MaxResults: aws.Int32(p.PageSize),
	})
	for paginator.HasMorePages() {
		page, err := paginator.NextPage(r.ctx)
		r.must(fmt.Sprintf("ListAccounts page %d", len(pages)+1), err)
		ids := []string{}
		for _, a := range page.Accounts {
			ids = append(ids, aws.ToString(a.Id))
		}
		pages = append(pages, ids)
	}
	r.out["pages"] = pages

	// 50 tags are the limit: 30 and 20 are accepted, one more is refused and changes nothing.
	tags := func(from, n int) []types.Tag {
		t := make([]types.Tag, 0, n)
		for i := from; i < from+n; i++ {
			t = append(t, types.Tag{Key: aws.String(fmt.Sprintf("key-%02d", i)), Value: aws.String("v")})
		}
		return t
	}
	target := aws.String(p.Invitee)
	_, err := management.TagResource(r.ctx, &organizations.TagResourceInput{ResourceId: target, Tags: tags(0, 30)})
	r.must("TagResource 30", err)
	_, err = management.TagResource(r.ctx, &organizations.TagResourceInput{ResourceId: target, Tags: tags(30, 20)})
	r.must("TagResource 20", err)
	_, err = management.TagResource(r.ctx, &organizations.TagResourceInput{ResourceId: target, Tags: tags(50, 1)})
	if err == nil {
		r.out["constraint"] = nil
	} else {
		d := serviceError(err)
		var cv *types.ConstraintViolationException
		d["typed"] = errors.As(err, &cv)
		if cv != nil {
			d["reason"] = string(cv.Reason)
			d["reason_is_max_tag_limit"] = cv.Reason == types.ConstraintViolationExceptionReasonMaxTagLimitExceeded
		}
		// Not some other type by accident.
		var dup *types.DuplicateHandshakeException
		d["also_duplicate_handshake"] = errors.As(err, &dup)
		r.out["constraint"] = d
	}
	tagPages := 0
	tagCount := 0
	tagPaginator := organizations.NewListTagsForResourcePaginator(management,
		&organizations.ListTagsForResourceInput{ResourceId: target})
	for tagPaginator.HasMorePages() {
		page, err := tagPaginator.NextPage(r.ctx)
		r.must("ListTagsForResource", err)
		tagPages++
		tagCount += len(page.Tags)
	}
	r.out["tags"] = map[string]int{"count": tagCount, "pages": tagPages}
}

func main() {
	var raw []byte
	var err error
	if len(os.Args) > 1 {
		raw = []byte(os.Args[1])
	} else {
		raw, err = io.ReadAll(os.Stdin)
	}
	var p plan
	if err == nil {
		err = json.Unmarshal(raw, &p)
	}
	if err == nil && (p.Region == "" || p.Management == "" || p.Invitee == "" || p.AllowedHost == "") {
		err = errors.New("region, management, invitee and allowed_host are required")
	}
	if err == nil && p.EndpointMode != "environment" && p.Endpoint == "" {
		err = fmt.Errorf("endpoint_mode %q needs an endpoint", p.EndpointMode)
	}
	if err == nil && p.PageSize == 0 {
		p.PageSize = 2
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "unreadable plan: %v\n", err)
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r := &run{
		plan:  p,
		guard: &guard{allowed: p.AllowedHost, next: &http.Client{Timeout: 10 * time.Second}},
		ctx:   ctx,
		out:   map[string]interface{}{},
	}
	status := 0
	func() {
		defer func() {
			if v := recover(); v != nil {
				f, ok := v.(failure)
				if !ok {
					panic(v)
				}
				r.out["failed"] = map[string]interface{}{"step": f.step, "error": f.err.Error()}
				status = 1
			}
		}()
		r.flow()
	}()

	_, configHasBaseEndpoint := reflect.TypeOf(aws.Config{}).FieldByName("BaseEndpoint")
	r.out["sdk"] = map[string]interface{}{
		"go":         runtime.Version(),
		"aws":        aws.SDKVersion,
		"user_agent": r.guard.agent,
		// aws.Config.BaseEndpoint arrived with the SDK's support for configured endpoints
		// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, endpoint_url in the shared config).
		"config_base_endpoint": configHasBaseEndpoint,
	}
	r.out["requests"] = map[string]interface{}{"urls": r.guard.urls, "count": r.guard.count}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(r.out); err != nil {
		fmt.Fprintf(os.Stderr, "cannot encode the result: %v\n", err)
		os.Exit(1)
	}
	os.Exit(status)
}
