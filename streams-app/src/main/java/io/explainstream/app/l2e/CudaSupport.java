package io.explainstream.app.l2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Decides, without touching the GPU, whether it is worth asking ONNX Runtime for the CUDA provider.
 *
 * <p>{@code OrtEnvironment.getAvailableProviders()} is not enough: the GPU build lists CUDA on any host, and
 * {@code addCUDA} then fails only after unpacking a very large provider library. So before trying CUDA this checks,
 * in order:
 * <ol>
 *   <li>an NVIDIA driver: one of the driver markers exists ({@code /proc/driver/nvidia/version}, {@code /dev/nvidia0});</li>
 *   <li>the CUDA 12 runtime and cuDNN 9 ({@code libcudart.so.12}, {@code libcudnn.so.9}) in one of the library
 *       directories ({@code LD_LIBRARY_PATH}, {@code CUDA_HOME}/{@code CUDA_PATH}, {@code /etc/ld.so.conf.d}, the
 *       usual system and CUDA install directories);</li>
 *   <li>the ONNX Runtime on the classpath has a CUDA provider (the {@code onnxruntime_gpu} jar, Maven profile
 *       {@code gpu}).</li>
 * </ol>
 * Even when all pass, {@code addCUDA}/session creation may still fail; the caller falls back to CPU then.
 * Every input is injectable so the logic can be tested with fake directories.
 */
public final class CudaSupport {

    /** Files whose existence shows an NVIDIA kernel driver. */
    public static final List<Path> DEFAULT_DRIVER_MARKERS =
            List.of(Path.of("/proc/driver/nvidia/version"), Path.of("/dev/nvidia0"));

    /** Shared libraries the ONNX Runtime 1.28 CUDA provider needs (CUDA 12 runtime, cuDNN 9), by soname. */
    public static final List<String> REQUIRED_LIBRARIES = List.of("libcudart.so.12", "libcudnn.so.9");

    /** Directories searched after LD_LIBRARY_PATH, CUDA_HOME and ld.so.conf.d. */
    public static final List<Path> DEFAULT_LIBRARY_DIRS = List.of(
            Path.of("/usr/local/cuda/lib64"),
            Path.of("/usr/local/cuda/targets/x86_64-linux/lib"),
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib64"),
            Path.of("/lib64"),
            Path.of("/usr/local/lib"),
            Path.of("/usr/lib"));

    /** The outcome of {@link #detect()}: whether CUDA is worth trying and, either way, why, in words for a log line. */
    public record Detection(boolean available, String reason) {
        public Detection {
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final List<Path> driverMarkers;
    private final List<Path> libraryDirs;
    private final Supplier<String> runtimeProblem;

    /**
     * @param driverMarkers  files any one of which shows an NVIDIA driver
     * @param libraryDirs    directories searched, in order, for {@link #REQUIRED_LIBRARIES}
     * @param runtimeProblem returns null when the ONNX Runtime build has a CUDA provider, else why not
     */
    public CudaSupport(List<Path> driverMarkers, List<Path> libraryDirs, Supplier<String> runtimeProblem) {
        this.driverMarkers = List.copyOf(driverMarkers);
        this.libraryDirs = List.copyOf(libraryDirs);
        this.runtimeProblem = Objects.requireNonNull(runtimeProblem, "runtimeProblem");
    }

    /** Detection against this host: real driver markers, library directories from the environment, real ORT build. */
    public static CudaSupport system() {
        List<Path> dirs = libraryDirs(System.getenv("LD_LIBRARY_PATH"),
                List.of(nullToEmpty(System.getenv("CUDA_HOME")), nullToEmpty(System.getenv("CUDA_PATH"))),
                Path.of("/etc/ld.so.conf.d"));
        return new CudaSupport(DEFAULT_DRIVER_MARKERS, dirs, CudaSupport::onnxRuntimeCudaProblem);
    }

    /** The directories searched for libraries, in order (for logs and tests). */
    public List<Path> libraryDirs() {
        return libraryDirs;
    }

    /** Runs the checks in order and stops at the first that fails. */
    public Detection detect() {
        if (driverMarkers.stream().noneMatch(Files::exists)) {
            return new Detection(false, "no NVIDIA driver (none of " + driverMarkers + " exists)");
        }
        List<String> missing = new ArrayList<>();
        List<Path> found = new ArrayList<>();
        for (String lib : REQUIRED_LIBRARIES) {
            Path p = findLibrary(lib);
            if (p == null) {
                missing.add(lib);
            } else {
                found.add(p);
            }
        }
        if (!missing.isEmpty()) {
            return new Detection(false, "NVIDIA driver present but " + String.join(" and ", missing)
                    + " not found (searched LD_LIBRARY_PATH and " + libraryDirs.size() + " library directories)");
        }
        String problem;
        try {
            problem = runtimeProblem.get();
        } catch (RuntimeException | LinkageError e) {
            problem = "could not query ONNX Runtime's providers: " + e;
        }
        if (problem != null) {
            return new Detection(false, problem);
        }
        return new Detection(true, "NVIDIA driver present, found " + found);
    }

    /**
     * The first file in the library directories whose name is {@code soname} or a versioned form of it
     * ({@code libcudart.so.12.4.127}); null when none. Broken symlinks do not count.
     */
    Path findLibrary(String soname) {
        for (Path dir : libraryDirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Path exact = dir.resolve(soname);
            if (Files.exists(exact)) {
                return exact;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, soname + ".*")) {
                for (Path p : entries) {
                    if (Files.exists(p)) {
                        return p;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable directory: keep looking elsewhere
            }
        }
        return null;
    }

    /**
     * Library search order: LD_LIBRARY_PATH entries, then {@code <cudaHome>/lib64} and {@code <cudaHome>/lib} for each
     * non-empty CUDA home, then the directories named in {@code ldSoConfDir/*.conf}, then {@link #DEFAULT_LIBRARY_DIRS}.
     * Duplicates and unparsable entries are dropped.
     */
    public static List<Path> libraryDirs(String ldLibraryPath, List<String> cudaHomes, Path ldSoConfDir) {
        Set<Path> dirs = new LinkedHashSet<>();
        if (ldLibraryPath != null) {
            for (String entry : ldLibraryPath.split(":")) {
                addPath(dirs, entry);
            }
        }
        for (String home : cudaHomes) {
            if (home != null && !home.isBlank()) {
                addPath(dirs, home.trim() + "/lib64");
                addPath(dirs, home.trim() + "/lib");
            }
        }
        if (ldSoConfDir != null) {
            dirs.addAll(parseLdSoConfDir(ldSoConfDir));
        }
        dirs.addAll(DEFAULT_LIBRARY_DIRS);
        return List.copyOf(dirs);
    }

    /** Directories listed in the {@code *.conf} files of an {@code ld.so.conf.d} folder (comments and includes skipped). */
    static List<Path> parseLdSoConfDir(Path confDir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(confDir)) {
            return out;
        }
        List<Path> confs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(confDir, "*.conf")) {
            entries.forEach(confs::add);
        } catch (IOException | RuntimeException e) {
            return out;
        }
        confs.sort(null);
        for (Path conf : confs) {
            try (Stream<String> lines = Files.lines(conf)) {
                lines.map(l -> {
                    int hash = l.indexOf('#');
                    return (hash >= 0 ? l.substring(0, hash) : l).trim();
                }).filter(l -> l.startsWith("/")).forEach(l -> {
                    try {
                        out.add(Path.of(l));
                    } catch (InvalidPathException ignored) {
                        // skip
                    }
                });
            } catch (IOException | RuntimeException e) {
                // unreadable conf file: skip
            }
        }
        return out;
    }

    /** Null when the ONNX Runtime on the classpath has a CUDA provider, else why not. Loads ORT's native library. */
    static String onnxRuntimeCudaProblem() {
        if (!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            return "the ONNX Runtime on the classpath is the CPU build (build with -Pgpu for onnxruntime_gpu)";
        }
        return null;
    }

    private static void addPath(Set<Path> dirs, String entry) {
        if (entry == null || entry.isBlank()) {
            return;
        }
        try {
            dirs.add(Path.of(entry.trim()));
        } catch (InvalidPathException ignored) {
            // skip
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
