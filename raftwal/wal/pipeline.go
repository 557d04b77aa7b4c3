package wal

import (
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

// filePipeline prepares the next segment in the background: a locked,
// preallocated file named "0.tmp" or "1.tmp" (alternating, so the file
// handed out is never the one just renamed), so that cutting a segment does
// not wait for preallocation.
type filePipeline struct {
	lg    *zap.Logger
	fs    fileutil.FS
	dir   string
	size  int64
	count int

	filec chan fileutil.File
	errc  chan error
	donec chan struct{}
}

func newFilePipeline(lg *zap.Logger, fs fileutil.FS, dir string, size int64) *filePipeline {
	fp := &filePipeline{
		lg:    lg,
		fs:    fs,
		dir:   dir,
		size:  size,
		filec: make(chan fileutil.File),
		errc:  make(chan error, 1),
		donec: make(chan struct{}),
	}
	go fp.run()
	return fp
}

// open returns the next prepared file.
func (fp *filePipeline) open() (fileutil.File, error) {
	select {
	case f := <-fp.filec:
		return f, nil
	case err, ok := <-fp.errc:
		if !ok {
			return nil, fmt.Errorf("wal: file pipeline stopped")
		}
		return nil, err
	}
}

// close stops the pipeline, removes a file it prepared but did not hand
// out, and waits for the goroutine to end.
func (fp *filePipeline) close() error {
	close(fp.donec)
	return <-fp.errc
}

func (fp *filePipeline) alloc() (fileutil.File, error) {
	p := filepath.Join(fp.dir, fmt.Sprintf("%d.tmp", fp.count%2))
	f, err := fp.fs.TryLockFile(p, os.O_WRONLY|os.O_CREATE, fileutil.PrivateFileMode)
	if err != nil {
		return nil, err
	}
	if err := f.Preallocate(fp.size, true); err != nil {
		fp.lg.Error("failed to preallocate space when creating a new WAL", zap.Int64("size", fp.size), zap.Error(err))
		f.Close()
		return nil, err
	}
	fp.count++
	return f, nil
}

func (fp *filePipeline) run() {
	defer close(fp.errc)
	for {
		f, err := fp.alloc()
		if err != nil {
			fp.errc <- err
			return
		}
		select {
		case fp.filec <- f:
		case <-fp.donec:
			fp.fs.Remove(f.Name())
			f.Close()
			return
		}
	}
}
