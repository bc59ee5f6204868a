package main

import (
	"archive/tar"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func pushMain(args []string) {
	fl := flag.NewFlagSet("push", flag.ExitOnError)
	archive := fl.String("archive", "", "OCI archive (what build writes)")
	var to refs
	fl.Var(&to, "to", "HOST:PORT/REPO:TAG to push to, plain HTTP (repeatable)")
	ann := annotations{}
	fl.Var(ann, "annotation", "manifest annotation KEY=VALUE to add (repeatable)")
	_ = fl.Parse(args)
	if *archive == "" || len(to) == 0 {
		fmt.Fprintln(os.Stderr, "oci-image: push needs --archive and at least one --to\n"+usage)
		os.Exit(2)
	}
	digest, size, err := push(*archive, to, ann)
	if err != nil {
		fmt.Fprintf(os.Stderr, "oci-image: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%s %d\n", digest, size)
}

func push(archive string, to []string, ann annotations) (string, int64, error) {
	work, err := os.MkdirTemp("", "oci-image-push-")
	if err != nil {
		return "", 0, err
	}
	defer os.RemoveAll(work)
	if err := untar(archive, work); err != nil {
		return "", 0, fmt.Errorf("%s: %w", archive, err)
	}
	idx, err := layout.ImageIndexFromPath(work)
	if err != nil {
		return "", 0, fmt.Errorf("%s is not an OCI archive: %w", archive, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return "", 0, err
	}
	if len(im.Manifests) != 1 {
		return "", 0, fmt.Errorf("%s holds %d images, expected one", archive, len(im.Manifests))
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		return "", 0, err
	}
	if len(ann) > 0 {
		img = mutate.Annotations(img, ann).(v1.Image)
	}
	digest, err := img.Digest()
	if err != nil {
		return "", 0, err
	}
	size, err := imageSize(img)
	if err != nil {
		return "", 0, err
	}
	for _, r := range to {
		ref, err := name.ParseReference(r, name.Insecure)
		if err != nil {
			return "", 0, fmt.Errorf("--to %s: %w", r, err)
		}
		if d, err := remote.Head(ref); err == nil && d.Digest == digest {
			continue // already there
		}
		if err := remote.Write(ref, img); err != nil {
			return "", 0, fmt.Errorf("pushing to %s: %w", r, err)
		}
	}
	return digest.String(), size, nil
}

// imageSize is what a pull transfers: manifest, config and the compressed layers.
func imageSize(img v1.Image) (int64, error) {
	m, err := img.Manifest()
	if err != nil {
		return 0, err
	}
	raw, err := img.RawManifest()
	if err != nil {
		return 0, err
	}
	size := int64(len(raw)) + m.Config.Size
	for _, l := range m.Layers {
		size += l.Size
	}
	return size, nil
}

// untar unpacks the archive's regular files and folders under dir (an OCI layout has nothing else).
func untar(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		clean := filepath.Clean(hdr.Name)
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return fmt.Errorf("entry %q leaves the archive", hdr.Name)
		}
		target := filepath.Join(dir, clean)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.Create(target)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			out.Close()
			if err != nil {
				return err
			}
		}
	}
}
