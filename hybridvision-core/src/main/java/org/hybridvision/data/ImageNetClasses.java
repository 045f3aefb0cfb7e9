package org.hybridvision.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1000 ImageNet-1k (ILSVRC-2012) classes in the standard index order (0 = tench n01440764, 999 = toilet tissue
 * n15075141), as used by every ImageNet classifier.
 *
 * <p>Loaded once from the resource {@code imagenet_classes.tsv} (index, wnid, short name, synset), which was built
 * from Debian's opencv-doc, python3-torchvision and darknet packages and cross-checked index by index; see the
 * header of that file and {@code make_imagenet_classes.py} beside it. Short names are torchvision's, which are unique
 * (the two "crane" synsets are "crane" and "crane bird").
 */
public final class ImageNetClasses {
    /** Number of classes. */
    public static final int COUNT = 1000;
    private static final String RESOURCE = "imagenet_classes.tsv";

    private final List<String> wnids;
    private final List<String> shortNames;
    private final List<String> synsets;
    private final Map<String, Integer> byWnid;

    private ImageNetClasses(List<String> wnids, List<String> shortNames, List<String> synsets) {
        this.wnids = List.copyOf(wnids);
        this.shortNames = List.copyOf(shortNames);
        this.synsets = List.copyOf(synsets);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < wnids.size(); i++) {
            m.put(wnids.get(i), i);
        }
        this.byWnid = Map.copyOf(m);
    }

    private static final class Holder {
        static final ImageNetClasses INSTANCE = load();
    }

    /** @return the table (loaded on first use) */
    public static ImageNetClasses get() {
        return Holder.INSTANCE;
    }

    private static ImageNetClasses load() {
        List<String> w = new ArrayList<>();
        List<String> s = new ArrayList<>();
        List<String> f = new ArrayList<>();
        try (InputStream in = ImageNetClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", -1);
                if (cols.length != 4 || Integer.parseInt(cols[0]) != w.size()) {
                    throw new IllegalStateException(RESOURCE + ": bad line " + (w.size() + 1) + ": " + line);
                }
                w.add(cols[1]);
                s.add(cols[2]);
                f.add(cols[3]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
        if (w.size() != COUNT) {
            throw new IllegalStateException(RESOURCE + " has " + w.size() + " classes, expected " + COUNT);
        }
        return new ImageNetClasses(w, s, f);
    }

    /** @return WordNet ids ("n01440764"), position = class index */
    public List<String> wnids() {
        return wnids;
    }

    /** @return unique short names ("tench"), position = class index */
    public List<String> shortNames() {
        return shortNames;
    }

    /** @return full synonym lists ("tench, Tinca tinca"), position = class index */
    public List<String> synsets() {
        return synsets;
    }

    /**
     * @param index class index 0..999
     * @return its short name
     */
    public String shortName(int index) {
        return shortNames.get(index);
    }

    /**
     * @param wnid a WordNet id such as "n01440764"
     * @return its class index, or -1 when it is not an ImageNet-1k class
     */
    public int indexOf(String wnid) {
        Integer i = byWnid.get(wnid);
        return i == null ? -1 : i;
    }
}
