// oci-image assembles a single-layer OCI image from a root filesystem folder and writes it as an OCI archive
// (a tar of an OCI image layout, what `skopeo copy oci-archive:` and `podman load` read), with no container
// daemon. Everything that could vary between two builds is pinned, so the same folder gives the same digest:
// entries in byte order, owner root, every time stamp SOURCE_DATE_EPOCH, no user or group names, gzip without
// a time stamp, and the image's created time and history from the same epoch.
//
//	oci-image build --rootfs DIR --out FILE.tar --ref NAME:TAG --epoch N --config config.json [--annotation K=V ...]
//	oci-image push --archive FILE.tar --to HOST:PORT/REPO:TAG [--to ...] [--annotation K=V ...]
//
// config.json holds the image's runtime config (Entrypoint, Cmd, User, Env, WorkingDir, Labels, ExposedPorts)
// as in the OCI image config; annotations go into the manifest. build prints the manifest digest on stdout.
// push copies the archive's image into a plain-HTTP registry (the real node's local one) under each name, adding
// the annotations; a name that already holds the same digest is left alone. It prints "DIGEST SIZE", SIZE being
// the bytes of manifest, config and compressed layers.
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// annotations is a repeatable K=V flag.
type annotations map[string]string

func (a annotations) String() string { return fmt.Sprint(map[string]string(a)) }
func (a annotations) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("annotation %q is not KEY=VALUE", v)
	}
	a[k] = val
	return nil
}

// refs is a repeatable string flag.
type refs []string

func (r *refs) String() string     { return strings.Join(*r, ",") }
func (r *refs) Set(v string) error { *r = append(*r, v); return nil }

const usage = `usage: oci-image build --rootfs DIR --out FILE.tar --ref NAME:TAG --epoch N --config config.json [--annotation K=V ...]
       oci-image push --archive FILE.tar --to HOST:PORT/REPO:TAG [--to ...] [--annotation K=V ...]`

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "push" {
		pushMain(os.Args[2:])
		return
	}
	if len(os.Args) < 2 || os.Args[1] != "build" {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	fl := flag.NewFlagSet("build", flag.ExitOnError)
	rootfs := fl.String("rootfs", "", "root filesystem folder")
	out := fl.String("out", "", "OCI archive to write")
	ref := fl.String("ref", "", "reference name recorded in index.json (org.opencontainers.image.ref.name)")
	epoch := fl.Int64("epoch", 0, "SOURCE_DATE_EPOCH: every time stamp in the image")
	configPath := fl.String("config", "", "JSON file with the image runtime config")
	ann := annotations{}
	fl.Var(ann, "annotation", "manifest annotation KEY=VALUE (repeatable)")
	_ = fl.Parse(os.Args[2:])
	if *rootfs == "" || *out == "" || *configPath == "" {
		fmt.Fprintln(os.Stderr, "oci-image: --rootfs, --out and --config are required")
		os.Exit(2)
	}
	digest, err := build(*rootfs, *out, *ref, time.Unix(*epoch, 0).UTC(), *configPath, ann)
	if err != nil {
		fmt.Fprintf(os.Stderr, "oci-image: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(digest)
}

func build(rootfs, out, ref string, epoch time.Time, configPath string, ann annotations) (string, error) {
	raw, err := os.ReadFile(configPath)
	if err != nil {
		return "", err
	}
	var cfg v1.Config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return "", fmt.Errorf("%s: %w", configPath, err)
	}
	work, err := os.MkdirTemp("", "oci-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)

	// compressed once, here: given a gzip file the library keeps it as is (and only reads it back for the diff id)
	layerTgz := filepath.Join(work, "layer.tar.gz")
	if err := writeTar(layerTgz, rootfs, epoch, true); err != nil {
		return "", fmt.Errorf("layer from %s: %w", rootfs, err)
	}
	layer, err := tarball.LayerFromFile(layerTgz, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return "", err
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: v1.Time{Time: epoch}, CreatedBy: "scripts/build-image.sh", Comment: "rootfs"},
	})
	if err != nil {
		return "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", err
	}
	cf = cf.DeepCopy()
	cf.Architecture = "amd64"
	cf.OS = "linux"
	cf.Created = v1.Time{Time: epoch}
	cf.Config = cfg
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return "", err
	}
	if len(ann) > 0 {
		img = mutate.Annotations(img, ann).(v1.Image)
	}
	digest, err := img.Digest()
	if err != nil {
		return "", err
	}

	dir := filepath.Join(work, "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return "", err
	}
	var opts []layout.Option
	if ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": ref}))
	}
	if err := p.AppendImage(img, opts...); err != nil {
		return "", err
	}
	tmp := out + ".tmp"
	if err := writeTar(tmp, dir, epoch, false); err != nil {
		return "", err
	}
	return digest.String(), os.Rename(tmp, out)
}

// writeTar writes the tree under root as a tar (gzipped for a layer) with entries in byte order, owner root and fixed times. With
// rootfs set the entries are named as in an image layer (no leading ./ or /), directories with a trailing slash.
func writeTar(path, root string, epoch time.Time, rootfs bool) error {
	var entries []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root {
			entries = append(entries, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rel := func(p string) string { r, _ := filepath.Rel(root, p); return filepath.ToSlash(r) }
	sort.Slice(entries, func(i, j int) bool { return rel(entries[i]) < rel(entries[j]) })

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var out io.Writer = f
	var zw *gzip.Writer
	if rootfs {
		// no name, no time stamp in the gzip header
		if zw, err = gzip.NewWriterLevel(f, gzip.BestCompression); err != nil {
			return err
		}
		out = zw
	}
	tw := tar.NewWriter(out)
	for _, p := range entries {
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		hdr.Name = rel(p)
		if info.IsDir() && !strings.HasSuffix(hdr.Name, "/") {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = epoch, time.Time{}, time.Time{}
		hdr.Format = tar.FormatPAX
		hdr.PAXRecords = nil
		hdr.Devmajor, hdr.Devminor = 0, 0
		if !rootfs {
			// the layout writer's own modes (0600 blobs) say nothing; the archive is for reading
			hdr.Mode = 0o644
			if info.IsDir() {
				hdr.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			src, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, src)
			src.Close()
			if err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}
