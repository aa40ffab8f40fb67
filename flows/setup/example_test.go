package setup_test

import (
	"context"
	"fmt"
	"os"
	"regexp"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// Example runs the ready-made setup on the simulated platform and prints
// the webhook URL for Customer.io, with its random parts masked.
func Example() {
	platform, err := sim.Start(sim.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer platform.Close()

	credential := platform.Credential()
	client, err := aep.New(aep.Config{
		IMSURL:      platform.IMSURL,
		PlatformURL: platform.PlatformURL,
		Credentials: aep.Credentials(credential),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	journalDir, err := os.MkdirTemp("", "setup-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(journalDir)

	plan, err := setup.NewPlan(setup.Input{
		Sandbox:     aep.Sandbox{Name: "dev", Type: "development", State: "active"},
		Data:        setup.ReadyMade,
		EventGroups: []string{"email", "push"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	runner := &setup.Runner{Client: client, JournalDir: journalDir}
	result, err := runner.Apply(context.Background(), plan, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	// Port, inlet ID and dataflow ID differ on every run.
	mask := regexp.MustCompile(`^http://127\.0\.0\.1:\d+/collection/[0-9a-f]{64}\?x-adobe-flow-id=[0-9a-f-]{36}$`)
	if !mask.MatchString(result.WebhookURL) {
		fmt.Println("unexpected webhook URL:", result.WebhookURL)
		return
	}
	fmt.Println("http://127.0.0.1:{port}/collection/{inletId}?x-adobe-flow-id={flowId}")
	fmt.Println("send after:", result.SendAfter.Sub(result.FlowCreatedAt))
	// Output:
	// http://127.0.0.1:{port}/collection/{inletId}?x-adobe-flow-id={flowId}
	// send after: 5m0s
}
