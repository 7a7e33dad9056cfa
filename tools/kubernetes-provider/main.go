// Command pulumi-resource-kubernetes is the Pulumi Kubernetes provider, built
// from the Go module proxy at the release that matches the npm SDK in
// package.json. The upstream command embeds two JSON files that its release
// build generates and does not publish; scripts/setup-kube.mjs writes them
// here from the module's own schema.json and terraform-mapping.json (with the
// schema's version set) before it builds this package.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
