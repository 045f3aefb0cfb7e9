package org.hybridvision.detection.coco.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** {@link DebianPackages} with stand-in apt-get and dpkg-deb scripts: installed, cached, fetched, unavailable. */
class DebianPackagesTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve("bin/" + name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void findsInstalledThenCachedThenFetches() throws IOException {
        // apt-get: install always fails (no root here), download works except for the package "nowhere"
        Path apt = script("apt-get", """
                case "$1" in
                  download) [ "$2" = nowhere ] && { echo "E: Unable to locate package $2"; exit 100; }
                            echo deb > "$2_1.0_all.deb"; echo "Get:1 mirror $2 1.0" ;;
                  update) echo "Reading package lists..." ;;
                  *) echo "E: Could not open lock file"; exit 100 ;;
                esac
                """);
        Path dpkg = script("dpkg-deb", "mkdir -p \"$3/usr/share/pkg\" && echo photo > \"$3/usr/share/pkg/a.jpg\"\n");
        Path system = dir.resolve("system");
        Files.createDirectories(system.resolve("usr/share/installed"));
        Files.writeString(system.resolve("usr/share/installed/a.jpg"), "photo");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DebianPackages d = new DebianPackages(dir.resolve("cache"), new PrintStream(log, true, StandardCharsets.UTF_8),
                system, apt.toString(), dpkg.toString());

        assertEquals(system, d.locate("installed", "usr/share/installed/a.jpg", true));
        assertEquals("", log.toString(StandardCharsets.UTF_8)); // nothing run

        Path fetched = d.locate("pkg", "usr/share/pkg/a.jpg", true);
        assertEquals(dir.resolve("cache/pkg"), fetched);
        assertTrue(Files.isRegularFile(fetched.resolve("usr/share/pkg/a.jpg")));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("install -y --no-install-recommends pkg") && text.contains("download pkg"), text);
        assertFalse(Files.exists(dir.resolve("cache/debs/pkg_1.0_all.deb"))); // only the unpacked copy is kept

        log.reset();
        assertEquals(fetched, d.locate("pkg", "usr/share/pkg/a.jpg", false));
        assertEquals("", log.toString(StandardCharsets.UTF_8)); // found in the cache: nothing run

        assertNull(d.locate("nowhere", "usr/share/nowhere/a.jpg", false));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Unable to locate package nowhere"));
    }
}
