package org.hybridvision.detection.coco;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What reading an annotation file found: how much was read and every {@link CocoIssue}, each with its image id.
 *
 * <p>Immutable.
 */
public final class CocoReport {
    private final String source;
    private final int images;
    private final int annotations;
    private final int categories;
    private final List<CocoIssue> issues;

    /**
     * @param source the file read (for messages)
     * @param images images kept
     * @param annotations annotations kept
     * @param categories categories kept
     * @param issues problems found, in file order
     */
    public CocoReport(String source, int images, int annotations, int categories, List<CocoIssue> issues) {
        this.source = source;
        this.images = images;
        this.annotations = annotations;
        this.categories = categories;
        this.issues = Collections.unmodifiableList(new ArrayList<>(issues));
    }

    /** @return a report of a data set built in memory: nothing to report */
    static CocoReport clean(String source, int images, int annotations, int categories) {
        return new CocoReport(source, images, annotations, categories, List.of());
    }

    /** @return every issue, in file order */
    public List<CocoIssue> issues() {
        return issues;
    }

    /** @return true when nothing was skipped, clipped, repaired or flagged */
    public boolean isClean() {
        return issues.isEmpty();
    }

    /** @return annotations left out (image-level issues not counted) */
    public int skippedAnnotations() {
        return (int) issues.stream()
                .filter(i -> i.action() == CocoIssue.Action.SKIPPED && i.annotationId() != CocoIssue.NONE).count();
    }

    /** @return images left out */
    public int skippedImages() {
        return (int) issues.stream().filter(i -> i.action() == CocoIssue.Action.SKIPPED
                && i.annotationId() == CocoIssue.NONE && i.imageId() != CocoIssue.NONE).count();
    }

    /** @return boxes clipped to their image */
    public int clippedBoxes() {
        return (int) issues.stream().filter(i -> i.action() == CocoIssue.Action.CLIPPED).count();
    }

    /**
     * @param kind a kind of problem
     * @return the issues of that kind
     */
    public List<CocoIssue> issues(CocoIssue.Kind kind) {
        return issues.stream().filter(i -> i.kind() == kind).toList();
    }

    /** @return the number of issues of each kind found */
    public Map<CocoIssue.Kind, Integer> countsByKind() {
        Map<CocoIssue.Kind, Integer> counts = new EnumMap<>(CocoIssue.Kind.class);
        for (CocoIssue i : issues) {
            counts.merge(i.kind(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * A few lines for a person: what was read, then the issues counted by kind and action, then the first
     * {@code examples} issues.
     *
     * @param examples how many issues to list one by one
     * @return the text, without a trailing newline
     */
    public String summary(int examples) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s: %,d images, %,d annotations, %d categories", source, images,
                annotations, categories));
        if (issues.isEmpty()) {
            return s.append("; no problems found").toString();
        }
        Map<String, Integer> groups = new java.util.LinkedHashMap<>();
        for (CocoIssue i : issues) {
            String key = i.kind().label() + " (" + i.action().label() + ")";
            groups.merge(key, 1, Integer::sum);
        }
        s.append(String.format(Locale.ROOT, "; %,d problem(s): ", issues.size()));
        List<String> parts = new ArrayList<>();
        groups.forEach((k, n) -> parts.add(String.format(Locale.ROOT, "%,d %s", n, k)));
        s.append(String.join(", ", parts));
        for (int i = 0; i < Math.min(examples, issues.size()); i++) {
            s.append("\n  ").append(issues.get(i));
        }
        if (issues.size() > examples && examples > 0) {
            s.append(String.format(Locale.ROOT, "\n  ... and %,d more", issues.size() - examples));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return summary(5);
    }
}
