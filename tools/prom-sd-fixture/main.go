// Command prom-sd-fixture writes the label fixture that test/allocator/prometheus-sd-fixture.test.ts compares our
// kubernetes_sd_configs builders against: it applies objects.yaml to a Kubernetes API server, runs Prometheus's
// own discovery/kubernetes discoverer (the module version the collector's prometheusreceiver uses) for every
// entry of configs.yaml, and writes the objects as the API server returns them (defaults applied) together with
// the target groups Prometheus produced, sorted, so the file is the same on every run.
//
// It needs a cluster without controllers (etcd + kube-apiserver): see generate.sh.
package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/discovery"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/discovery/targetgroup"
	"gopkg.in/yaml.v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	k8sdiscovery "k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

// prometheusVersion is the version of the Prometheus module this binary was built with (go.mod's require).
func prometheusVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/prometheus/prometheus" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

type namedConfig struct {
	Name string        `yaml:"name"`
	SD   yaml.MapSlice `yaml:"sd"`
}

type group struct {
	Source  string              `json:"source"`
	Labels  map[string]string   `json:"labels"`
	Targets []map[string]string `json:"targets"`
}

type configResult struct {
	Name   string  `json:"name"`
	Config any     `json:"sd"`
	Groups []group `json:"groups"`
}

type fixture struct {
	Comment    string           `json:"comment"`
	Prometheus string           `json:"prometheus"`
	Objects    map[string][]any `json:"objects"`
	Results    []configResult   `json:"results"`
}

// the kinds written into the fixture, under these keys
var kinds = []struct {
	key        string
	gvr        schema.GroupVersionResource
	namespaced bool
}{
	{"namespaces", schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, false},
	{"nodes", schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, false},
	{"pods", schema.GroupVersionResource{Version: "v1", Resource: "pods"}, true},
	{"services", schema.GroupVersionResource{Version: "v1", Resource: "services"}, true},
	{"endpoints", schema.GroupVersionResource{Version: "v1", Resource: "endpoints"}, true},
	{"endpointslices", schema.GroupVersionResource{Group: "discovery.k8s.io", Version: "v1", Resource: "endpointslices"}, true},
	{"ingresses", schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}, true},
	{"replicasets", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}, true},
	{"jobs", schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}, true},
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of a cluster without controllers (required)")
	objectsFile := flag.String("objects", "objects.yaml", "the objects to apply (multi-document YAML; status is written through the status subresource)")
	configsFile := flag.String("configs", "configs.yaml", "the kubernetes_sd_configs to run, each {name, sd}")
	out := flag.String("out", "fixture.json", "where to write the fixture")
	settle := flag.Duration("settle", 2*time.Second, "how long a discoverer must stay quiet before its groups count as complete")
	flag.Parse()
	if *kubeconfig == "" {
		fail(errors.New("-kubeconfig is required (start a cluster with generate.sh)"))
	}
	if err := run(*kubeconfig, *objectsFile, *configsFile, *out, *settle); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "prom-sd-fixture: %v\n", err)
	os.Exit(1)
}

func run(kubeconfig, objectsFile, configsFile, out string, settle time.Duration) error {
	ctx := context.Background()
	// "v1 Endpoints is deprecated" and the like: expected here, only noise
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("reading %s: %w", kubeconfig, err)
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return err
	}
	disco, err := k8sdiscovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))

	namespaces, err := apply(ctx, dyn, mapper, objectsFile)
	if err != nil {
		return err
	}

	raw, err := os.ReadFile(configsFile)
	if err != nil {
		return err
	}
	var configs []namedConfig
	if err := yaml.UnmarshalStrict(raw, &configs); err != nil {
		return fmt.Errorf("%s: %w", configsFile, err)
	}
	f := fixture{
		Comment:    "generated by tools/prom-sd-fixture (see its README); do not edit",
		Prometheus: prometheusVersion(),
		Objects:    map[string][]any{},
	}
	for _, c := range configs {
		groups, err := discover(c, kubeconfig, settle, namespaces)
		if err != nil {
			return fmt.Errorf("config %s: %w", c.Name, err)
		}
		f.Results = append(f.Results, configResult{Name: c.Name, Config: toJSONable(c.SD), Groups: groups})
		fmt.Fprintf(os.Stderr, "%-28s %3d groups\n", c.Name, len(groups))
	}

	uids := map[string]string{}
	for _, k := range kinds {
		objs, err := readBack(ctx, dyn, k.gvr, k.namespaced, namespaces)
		if err != nil {
			return err
		}
		for _, o := range objs {
			uids[string(o.GetUID())] = stableUID(k.key, o.GetNamespace(), o.GetName())
			f.Objects[k.key] = append(f.Objects[k.key], strip(o))
		}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	text := buf.String()
	// the API server picks uids at random: write stable ones, in the objects and in the labels alike
	for real, stable := range uids {
		text = strings.ReplaceAll(text, real, stable)
	}
	return os.WriteFile(out, []byte(text), 0o644)
}

// apply creates every object of the file (in file order) and then writes its status, if it has one, through the
// status subresource (create ignores status). It returns the namespaces the file creates.
func apply(ctx context.Context, dyn dynamic.Interface, mapper meta.RESTMapper, file string) ([]string, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(fh, 4096)
	var namespaces []string
	for i := 0; ; i++ {
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s document %d: %w", file, i, err)
		}
		if o == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: o}
		gvk := u.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, fmt.Errorf("%s document %d (%s %s): %w", file, i, gvk.Kind, u.GetName(), err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			ri = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
		}
		if gvk.Kind == "Namespace" {
			namespaces = append(namespaces, u.GetName())
		}
		status, hasStatus := o["status"]
		created, err := ri.Create(ctx, u, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("%s %s/%s exists already: use a fresh cluster (generate.sh starts one)", gvk.Kind, u.GetNamespace(), u.GetName())
		}
		if err != nil {
			return nil, fmt.Errorf("creating %s %s/%s: %w", gvk.Kind, u.GetNamespace(), u.GetName(), err)
		}
		if hasStatus && gvk.Kind != "Namespace" {
			created.Object["status"] = status
			if _, err := ri.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				return nil, fmt.Errorf("writing the status of %s %s/%s: %w", gvk.Kind, u.GetNamespace(), u.GetName(), err)
			}
		}
	}
	return namespaces, nil
}

// discover runs Prometheus's discoverer for one config until it has been quiet for `settle`, and returns the last
// group of every source, sorted by source, the targets of each group sorted too (Prometheus appends the targets of
// container ports not named by an endpoint from a Go map, in random order).
//
// A config that watches all namespaces also sees the API server's own objects in `default` (the `kubernetes`
// Service, Endpoints and EndpointSlice, with the port this run's apiserver listens on): only groups of the objects
// file's namespaces (and of cluster-scoped objects) are kept.
func discover(c namedConfig, kubeconfig string, settle time.Duration, namespaces []string) ([]group, error) {
	raw, err := yaml.Marshal(c.SD)
	if err != nil {
		return nil, err
	}
	var sd kubernetes.SDConfig
	if err := yaml.UnmarshalStrict(raw, &sd); err != nil {
		return nil, err
	}
	sd.KubeConfig = kubeconfig

	reg := prometheus.NewRegistry()
	metrics := sd.NewDiscovererMetrics(reg, discovery.NewRefreshMetrics(reg))
	if err := metrics.Register(); err != nil {
		return nil, err
	}
	defer metrics.Unregister()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := sd.NewDiscoverer(discovery.DiscovererOptions{Logger: logger, Metrics: metrics})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan []*targetgroup.Group)
	done := make(chan struct{})
	go func() {
		d.Run(ctx, ch)
		close(done)
	}()

	latest := map[string]*targetgroup.Group{}
	deadline := time.After(60 * time.Second)
	quiet := time.NewTimer(settle * 3) // the first groups come after the informers have listed
loop:
	for {
		select {
		case tgs := <-ch:
			for _, tg := range tgs {
				latest[tg.Source] = tg
			}
			quiet.Reset(settle)
		case <-quiet.C:
			break loop
		case <-deadline:
			cancel()
			return nil, errors.New("the discoverer never went quiet within 60 s")
		}
	}
	cancel()
	go func() {
		for range ch {
		}
	}()
	<-done

	out := make([]group, 0, len(latest))
	for _, tg := range latest {
		if parts := strings.Split(tg.Source, "/"); len(parts) == 3 && !contains(namespaces, parts[1]) {
			continue
		}
		g := group{Source: tg.Source, Labels: map[string]string{}, Targets: []map[string]string{}}
		for k, v := range tg.Labels {
			g.Labels[string(k)] = string(v)
		}
		for _, t := range tg.Targets {
			m := map[string]string{}
			for k, v := range t {
				m[string(k)] = string(v)
			}
			g.Targets = append(g.Targets, m)
		}
		sort.Slice(g.Targets, func(i, j int) bool { return canonical(g.Targets[i]) < canonical(g.Targets[j]) })
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out, nil
}

// canonical is a label set's JSON (encoding/json sorts map keys): the order targets are written in.
func canonical(m map[string]string) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func readBack(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, namespaced bool, namespaces []string) ([]unstructured.Unstructured, error) {
	var items []unstructured.Unstructured
	if !namespaced {
		l, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, o := range l.Items {
			// only the namespaces of the objects file (not default, kube-system...)
			if gvr.Resource == "namespaces" && !contains(namespaces, o.GetName()) {
				continue
			}
			items = append(items, o)
		}
	} else {
		for _, ns := range namespaces {
			l, err := dyn.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, err
			}
			items = append(items, l.Items...)
		}
	}
	sort.Slice(items, func(i, j int) bool {
		return items[i].GetNamespace()+"/"+items[i].GetName() < items[j].GetNamespace()+"/"+items[j].GetName()
	})
	return items, nil
}

// strip drops what changes from run to run and no discovery reads (resource versions, timestamps, managed
// fields); uids are replaced after encoding.
func strip(o unstructured.Unstructured) map[string]any {
	c := o.DeepCopy()
	for _, f := range []string{"managedFields", "resourceVersion", "creationTimestamp", "generation"} {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	return c.Object
}

// stableUID is a uid made from the object's kind, namespace and name, in the API server's format.
func stableUID(kind, namespace, name string) string {
	h := sha1.Sum([]byte(kind + "/" + namespace + "/" + name))
	x := fmt.Sprintf("%x", h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// toJSONable turns yaml.v2's MapSlice (ordered, interface keys) into values encoding/json can write.
func toJSONable(v any) any {
	switch t := v.(type) {
	case yaml.MapSlice:
		m := map[string]any{}
		for _, item := range t {
			m[fmt.Sprint(item.Key)] = toJSONable(item.Value)
		}
		return m
	case map[any]any:
		m := map[string]any{}
		for k, val := range t {
			m[fmt.Sprint(k)] = toJSONable(val)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = toJSONable(x)
		}
		return out
	default:
		return v
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
