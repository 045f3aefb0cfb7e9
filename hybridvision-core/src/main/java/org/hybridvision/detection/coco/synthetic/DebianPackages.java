package org.hybridvision.detection.coco.synthetic;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the files of a Debian package, fetching the package from the Debian mirror when they are not on this
 * machine. Nothing here needs a network beyond the mirror apt is configured with.
 *
 * <p>{@link #locate(String, String, boolean)} looks, in order: in the installed system ({@code /} + the path); in
 * this cache ({@code CACHE/PACKAGE/} + the path, from an earlier fetch); then, when asked to, installs the package as
 * the main job installs Fashion-MNIST ({@code apt-get install}, through {@code sudo -n} when not root, with an
 * {@code apt-get update} and a retry if the first attempt fails); then downloads it without installing
 * ({@code apt-get download}, which needs no root; after an {@code apt-get update} where that is allowed, when the
 * package lists are missing) and unpacks it into the cache ({@code dpkg-deb -x}). Each command
 * run is printed with the last line of its output.
 */
final class DebianPackages {
    private final Path cache;
    private final PrintStream log;
    private final Path system;
    private final String aptGet;
    private final String dpkgDeb;

    /**
     * @param cache where downloaded packages are unpacked, one folder per package
     * @param log where the commands run are printed
     */
    DebianPackages(Path cache, PrintStream log) {
        this(cache, log, Path.of("/"), "apt-get", "dpkg-deb");
    }

    /**
     * @param cache where downloaded packages are unpacked
     * @param log where the commands run are printed
     * @param system the installed system's root (tests use a folder)
     * @param aptGet the apt-get command
     * @param dpkgDeb the dpkg-deb command
     */
    DebianPackages(Path cache, PrintStream log, Path system, String aptGet, String dpkgDeb) {
        this.cache = cache;
        this.log = log;
        this.system = system;
        this.aptGet = aptGet;
        this.dpkgDeb = dpkgDeb;
    }

    /**
     * @param pkg the Debian package name
     * @param probe a file the package ships, relative to {@code /} (for example {@code usr/share/darknet/data/dog.jpg})
     * @param install whether to try {@code apt-get install} before a plain download
     * @return the root the package's paths are relative to ({@code /} or the cache folder), or null when the package
     *     could not be found or fetched
     */
    Path locate(String pkg, String probe, boolean install) {
        if (Files.exists(system.resolve(probe))) {
            return system;
        }
        Path unpacked = cache.resolve(pkg);
        if (Files.exists(unpacked.resolve(probe))) {
            return unpacked;
        }
        if (install && install(pkg) && Files.exists(system.resolve(probe))) {
            return system;
        }
        if (download(pkg, unpacked) && Files.exists(unpacked.resolve(probe))) {
            return unpacked;
        }
        return null;
    }

    /** @return true when apt-get install succeeded */
    private boolean install(String pkg) {
        log.println("data: installing the Debian package " + pkg);
        List<String> prefix = privilege();
        return exec(null, prefix, aptGet, "install", "-y", "--no-install-recommends", pkg)
                || (exec(null, prefix, aptGet, "update")
                && exec(null, prefix, aptGet, "install", "-y", "--no-install-recommends", pkg));
    }

    /** @return the command prefix for apt-get as root: none for root, {@code sudo -n} (no password prompt) else */
    private static List<String> privilege() {
        return "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
    }

    /** Downloads the .deb into the cache and unpacks it; @return true on success */
    private boolean download(String pkg, Path unpacked) {
        log.println("data: fetching the Debian package " + pkg + " into " + cache + " (apt-get download, no install)");
        Path debs = cache.resolve("debs");
        try {
            Files.createDirectories(debs);
        } catch (IOException e) {
            log.println("    cannot create " + debs + ": " + e.getMessage());
            return false;
        }
        if (!exec(debs, List.of(), aptGet, "download", pkg)) {
            // a fresh machine may have no package lists yet: refresh them where we may (root or sudo -n), retry
            if (!(exec(null, privilege(), aptGet, "update") && exec(debs, List.of(), aptGet, "download", pkg))) {
                return false;
            }
        }
        Path deb;
        try (Stream<Path> s = Files.list(debs)) {
            deb = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_")
                    && p.getFileName().toString().endsWith(".deb")).sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            log.println("    cannot list " + debs + ": " + e.getMessage());
            return false;
        }
        if (deb == null) {
            log.println("    apt-get download left no " + pkg + "_*.deb in " + debs);
            return false;
        }
        Path partial = cache.resolve(pkg + ".partial");
        try {
            deleteTree(partial);
            Files.createDirectories(partial);
            if (!exec(null, List.of(), dpkgDeb, "-x", deb.toString(), partial.toString())) {
                return false;
            }
            deleteTree(unpacked);
            Files.move(partial, unpacked);
            Files.deleteIfExists(deb); // the unpacked copy is what is kept
            return true;
        } catch (IOException e) {
            log.println("    cannot unpack " + deb + ": " + e.getMessage());
            return false;
        }
    }

    private boolean exec(Path dir, List<String> prefix, String... cmd) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(cmd));
        log.println("  $ " + String.join(" ", full));
        try {
            ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroy();
                log.println("    timed out");
                return false;
            }
            // the last line says how it went; apt's note that root downloads "unsandboxed" is noise here
            List<String> lines = new String(out, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.contains("unsandboxed")).toList();
            if (!lines.isEmpty()) {
                log.println("    " + lines.get(lines.size() - 1).strip());
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            log.println("    failed: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
