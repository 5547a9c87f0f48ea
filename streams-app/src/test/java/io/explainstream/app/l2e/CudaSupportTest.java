package io.explainstream.app.l2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class CudaSupportTest {

    @TempDir
    Path root;

    private Path driver() throws IOException {
        Path marker = root.resolve("proc/driver/nvidia/version");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "NVRM version: fake");
        return marker;
    }

    private Path lib(String dir, String name) throws IOException {
        Path d = root.resolve(dir);
        Files.createDirectories(d);
        return Files.writeString(d.resolve(name), "ELF");
    }

    private CudaSupport support(List<Path> markers, List<Path> dirs, Supplier<String> runtime) {
        return new CudaSupport(markers, dirs, runtime);
    }

    @Test
    void noDriverIsUnavailableAndDoesNotAskOnnxRuntime() throws IOException {
        lib("cuda", "libcudart.so.12");
        lib("cuda", "libcudnn.so.9");
        AtomicInteger asked = new AtomicInteger();
        CudaSupport.Detection d = support(List.of(root.resolve("proc/driver/nvidia/version"), root.resolve("dev/nvidia0")),
                List.of(root.resolve("cuda")), () -> {
                    asked.incrementAndGet();
                    return null;
                }).detect();
        assertFalse(d.available());
        assertTrue(d.reason().startsWith("no NVIDIA driver"), d.reason());
        assertEquals(0, asked.get(), "ORT must not be queried without a driver");
    }

    @Test
    void anyDriverMarkerIsEnough() throws IOException {
        Path dev = root.resolve("dev/nvidia0");
        Files.createDirectories(dev.getParent());
        Files.writeString(dev, "");
        lib("cuda", "libcudart.so.12");
        lib("cuda", "libcudnn.so.9");
        CudaSupport.Detection d = support(List.of(root.resolve("proc/driver/nvidia/version"), dev),
                List.of(root.resolve("cuda")), () -> null).detect();
        assertTrue(d.available(), d.reason());
    }

    @Test
    void driverWithoutLibrariesNamesBothMissing() throws IOException {
        CudaSupport.Detection d = support(List.of(driver()), List.of(root.resolve("empty"), root.resolve("absent")),
                () -> null).detect();
        assertFalse(d.available());
        assertTrue(d.reason().contains("libcudart.so.12 and libcudnn.so.9 not found"), d.reason());
    }

    @Test
    void missingCudnnOnlyNamesCudnn() throws IOException {
        lib("cuda/lib64", "libcudart.so.12");
        CudaSupport.Detection d = support(List.of(driver()), List.of(root.resolve("cuda/lib64")), () -> null).detect();
        assertFalse(d.available());
        assertTrue(d.reason().contains("libcudnn.so.9 not found"), d.reason());
        assertFalse(d.reason().contains("libcudart"), d.reason());
    }

    @Test
    void librariesMaySitInDifferentDirectoriesAndHaveVersionedNames() throws IOException {
        Path cudart = lib("cuda/lib64", "libcudart.so.12.4.127");
        Path cudnn = lib("x86_64-linux-gnu", "libcudnn.so.9.1.0");
        lib("x86_64-linux-gnu", "libcudnn.so.8"); // wrong major: ignored
        CudaSupport s = support(List.of(driver()),
                List.of(root.resolve("nowhere"), root.resolve("cuda/lib64"), root.resolve("x86_64-linux-gnu")),
                () -> null);
        assertEquals(cudart, s.findLibrary("libcudart.so.12"));
        assertEquals(cudnn, s.findLibrary("libcudnn.so.9"));
        CudaSupport.Detection d = s.detect();
        assertTrue(d.available(), d.reason());
        assertTrue(d.reason().contains("libcudart.so.12.4.127"), d.reason());
    }

    @Test
    void wrongMajorVersionDoesNotCount() throws IOException {
        lib("cuda", "libcudart.so.11.0");
        lib("cuda", "libcudart.so.120");
        lib("cuda", "libcudnn.so.9");
        CudaSupport s = support(List.of(driver()), List.of(root.resolve("cuda")), () -> null);
        assertNull(s.findLibrary("libcudart.so.12"));
        assertFalse(s.detect().available());
    }

    @Test
    void brokenSymlinkDoesNotCount() throws IOException {
        Path dir = root.resolve("links");
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("libcudart.so.12"), dir.resolve("libcudart.so.12.9.9"));
        lib("links", "libcudnn.so.9");
        CudaSupport s = support(List.of(driver()), List.of(dir), () -> null);
        assertNull(s.findLibrary("libcudart.so.12"));
        assertFalse(s.detect().available());
    }

    @Test
    void cpuBuildOfOnnxRuntimeIsReported() throws IOException {
        lib("cuda", "libcudart.so.12");
        lib("cuda", "libcudnn.so.9");
        CudaSupport.Detection d = support(List.of(driver()), List.of(root.resolve("cuda")),
                () -> "the ONNX Runtime on the classpath is the CPU build").detect();
        assertFalse(d.available());
        assertEquals("the ONNX Runtime on the classpath is the CPU build", d.reason());
    }

    @Test
    void failingRuntimeQueryIsUnavailableNotAnError() throws IOException {
        lib("cuda", "libcudart.so.12");
        lib("cuda", "libcudnn.so.9");
        CudaSupport.Detection d = support(List.of(driver()), List.of(root.resolve("cuda")), () -> {
            throw new IllegalStateException("boom");
        }).detect();
        assertFalse(d.available());
        assertTrue(d.reason().contains("boom"), d.reason());
    }

    @Test
    void libraryDirsOrderLdLibraryPathCudaHomeConfThenDefaults() throws IOException {
        Path conf = root.resolve("ld.so.conf.d");
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("a-cuda.conf"), "# CUDA\n/opt/cuda-12/targets/x86_64-linux/lib  # trailing\n\n");
        Files.writeString(conf.resolve("b-other.conf"), "include /etc/ld.so.conf.d/*.conf\n/opt/cudnn/lib\n");
        Files.writeString(conf.resolve("ignored.txt"), "/not/a/conf\n");
        List<Path> dirs = CudaSupport.libraryDirs("/ld/one::/ld/two:/ld/one", List.of("/cuda/home", ""), conf);
        List<Path> expectedHead = List.of(Path.of("/ld/one"), Path.of("/ld/two"), Path.of("/cuda/home/lib64"),
                Path.of("/cuda/home/lib"), Path.of("/opt/cuda-12/targets/x86_64-linux/lib"), Path.of("/opt/cudnn/lib"));
        assertEquals(expectedHead, dirs.subList(0, expectedHead.size()));
        assertTrue(dirs.containsAll(CudaSupport.DEFAULT_LIBRARY_DIRS));
        assertFalse(dirs.contains(Path.of("/not/a/conf")));
        assertEquals(dirs.size(), dirs.stream().distinct().count());
    }

    @Test
    void libraryDirsToleratesNothingSet() {
        List<Path> dirs = CudaSupport.libraryDirs(null, List.of(), root.resolve("no-such-conf-dir"));
        assertEquals(CudaSupport.DEFAULT_LIBRARY_DIRS, dirs);
    }

    @Test
    void systemDetectionWorksOnThisHost() {
        CudaSupport.Detection d = CudaSupport.system().detect();
        assertFalse(d.reason().isBlank());
        assumeFalse(Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/proc/driver/nvidia/version")),
                "host has an NVIDIA driver");
        assertFalse(d.available());
        assertTrue(d.reason().startsWith("no NVIDIA driver"), d.reason());
    }
}
