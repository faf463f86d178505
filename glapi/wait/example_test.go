package wait_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"glrun/clock"
	"glrun/glapi"
	"glrun/glapi/sim"
	"glrun/glapi/wait"
)

// A job waited for from Go: created on the simulator, polled on a virtual
// clock until it is COMPLETE.
func ExampleFor() {
	ctx := context.Background()
	clk := clock.NewVirtual(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(sim.New(sim.Options{Clock: clk, Seed: 1}))
	defer srv.Close()
	c, err := glapi.New(glapi.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID,
		ClientSecret: glapi.NewSecret(sim.DemoClientSecret), Clock: clk})
	if err != nil {
		panic(err)
	}
	servers, err := c.Servers.List(ctx, glapi.ListOptions{Limit: 1})
	if err != nil {
		panic(err)
	}
	restart, err := glapi.LookupTemplate("restart")
	if err != nil {
		panic(err)
	}
	job, err := c.Jobs.CreateChecked(ctx, glapi.JobCreate{JobTemplate: restart.ID,
		ResourceID: servers[0].ID(), ResourceType: glapi.ResourceServer})
	if err != nil {
		panic(err)
	}

	done, err := wait.For(ctx, wait.Jobs(c.Jobs, false), []glapi.Object{job},
		wait.Options{What: "restart", Timeout: time.Hour, Poll: 5 * time.Second, Clock: clk})
	if err != nil {
		panic(err)
	}
	fmt.Println(wait.JobState(done[0]), wait.JobFailure(done[0]) == nil)
	// Output: COMPLETE/SUCCESS true
}
