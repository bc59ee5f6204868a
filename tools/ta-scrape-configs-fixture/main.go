// Command ta-scrape-configs-fixture writes, for each allocator config in configs/, the bodies upstream's target
// allocator (opentelemetry-operator be89444, cmd/otel-allocator) serves on GET /scrape_configs: the `config`
// section decoded as the allocator's config loader decodes it (map → yaml.v2 → promconfig.Config, whose
// UnmarshalYAML fills Prometheus's defaults), the scrape configs keyed by job name, then the server's steps:
// yaml.v2 Marshal, ghodss YAMLToJSON, the keepequal/dropequal regex removal through goccy/go-json. Both bodies are
// written: secrets redacted (plain HTTP) and in clear (HTTPS or allow_insecure_auth_secrets).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml2 "github.com/ghodss/yaml"
	"github.com/goccy/go-json"
	promcommconfig "github.com/prometheus/common/config"
	promconfig "github.com/prometheus/prometheus/config"
	// upstream imports discovery/install (every mechanism); these three are all the configs use and build fast
	_ "github.com/prometheus/prometheus/discovery/file"
	_ "github.com/prometheus/prometheus/discovery/http"
	_ "github.com/prometheus/prometheus/discovery/kubernetes"
	"gopkg.in/yaml.v2"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	files, err := filepath.Glob(filepath.Join(dir, "configs", "*.yaml"))
	must(err)
	sort.Strings(files)
	outDir := filepath.Join(dir, "bodies")
	must(os.MkdirAll(outDir, 0o755))
	writeRejections(dir, outDir)
	for _, file := range files {
		configs, err := load(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(1)
		}
		base := strings.TrimSuffix(filepath.Base(file), ".yaml")
		for _, secrets := range []bool{false, true} {
			body, err := marshalScrapeConfig(configs, secrets)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
				os.Exit(1)
			}
			name := base + ".redacted.json"
			if secrets {
				name = base + ".secrets.json"
			}
			must(os.WriteFile(filepath.Join(outDir, name), body, 0o644))
		}
	}
}

// load decodes the allocator config's `config` section as upstream's MapToPromConfig hook does (the file is first
// read into a map by yaml.v2) and keys its scrape configs by job name, as the Discoverer's ApplyConfig does.
func load(file string) (map[string]*promconfig.ScrapeConfig, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(text, &m); err != nil {
		return nil, err
	}
	section, ok := m["config"].(map[any]any)
	if !ok {
		return nil, fmt.Errorf("no config section")
	}
	mb, err := yaml.Marshal(section)
	if err != nil {
		return nil, err
	}
	pConfig := &promconfig.Config{}
	if err := yaml.Unmarshal(mb, pConfig); err != nil {
		return nil, err
	}
	jobs := map[string]*promconfig.ScrapeConfig{}
	for _, sc := range pConfig.ScrapeConfigs {
		jobs[sc.JobName] = sc
	}
	return jobs, nil
}

// marshalScrapeConfig is upstream's Server.MarshalScrapeConfig without the locking.
func marshalScrapeConfig(configs map[string]*promconfig.ScrapeConfig, marshalSecretValue bool) ([]byte, error) {
	promcommconfig.MarshalSecretValue = marshalSecretValue
	configBytes, err := yaml.Marshal(configs)
	if err != nil {
		return nil, err
	}
	jsonConfig, err := yaml2.YAMLToJSON(configBytes)
	if err != nil {
		return nil, err
	}
	return removeRegexFromRelabelAction(jsonConfig)
}

// removeRegexFromRelabelAction drops `regex` from keepequal/dropequal rules (upstream's workaround for
// prometheus#12534), re-marshalling the whole body with goccy/go-json.
func removeRegexFromRelabelAction(jsonConfig []byte) ([]byte, error) {
	var jobToScrapeConfig map[string]any
	if err := json.Unmarshal(jsonConfig, &jobToScrapeConfig); err != nil {
		return nil, err
	}
	for _, scrapeConfig := range jobToScrapeConfig {
		sc := scrapeConfig.(map[string]any)
		for _, key := range []string{"relabel_configs", "metric_relabel_configs"} {
			if sc[key] == nil {
				continue
			}
			for _, rule := range sc[key].([]any) {
				r := rule.(map[string]any)
				if r["action"] == "keepequal" || r["action"] == "dropequal" {
					delete(r, "regex")
				}
			}
		}
	}
	return json.Marshal(jobToScrapeConfig)
}

// writeRejections loads each config of invalid/ and writes Prometheus's error for it to bodies/invalid.json
// (upstream's allocator does not start with such a config); one that loads is a mistake in the fixture.
func writeRejections(dir, outDir string) {
	files, err := filepath.Glob(filepath.Join(dir, "invalid", "*.yaml"))
	must(err)
	sort.Strings(files)
	rejections := map[string]string{}
	for _, file := range files {
		_, err := load(file)
		if err == nil {
			fmt.Fprintf(os.Stderr, "%s: Prometheus loads it; it does not belong in invalid/\n", file)
			os.Exit(1)
		}
		rejections[filepath.Base(file)] = err.Error()
	}
	body, err := json.MarshalIndent(rejections, "", "  ")
	must(err)
	must(os.WriteFile(filepath.Join(outDir, "invalid.json"), append(body, '\n'), 0o644))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
