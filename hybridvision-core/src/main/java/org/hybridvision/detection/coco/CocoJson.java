package org.hybridvision.detection.coco;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import org.hybridvision.HybridVisionException;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams the JSON of COCO files: the top level of an instances file (its lists element by element, so a large file
 * never sits in memory as one tree) and the top-level list of a results file. Whole-file problems (not JSON,
 * truncated, wrong structure) become {@link CocoFormatException}s naming the file and the position; the elements
 * themselves are handed over unvalidated.
 */
final class CocoJson {
    private CocoJson() {
    }

    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

    /** The parts of an instances file, unvalidated. */
    static final class Instances {
        JsonObject info;
        JsonArray licenses;
        List<JsonElement> images;
        List<JsonElement> categories;
        List<JsonElement> annotations;
    }

    /**
     * @param file an {@code instances_*.json} file
     * @return its parts
     * @throws CocoFormatException when it is not JSON, is truncated, or lacks {@code images} or {@code categories}
     */
    static Instances readInstances(Path file) {
        Instances out = new Instances();
        try (Reader r = open(file); JsonReader json = new JsonReader(r)) {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw structure(file, json, "the top level is " + describe(json.peek()) + ", not an object with "
                        + "\"images\", \"annotations\" and \"categories\"");
            }
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                switch (name) {
                    case "images" -> out.images = readList(file, json, name);
                    case "categories" -> out.categories = readList(file, json, name);
                    case "annotations" -> out.annotations = readList(file, json, name);
                    case "info" -> {
                        JsonElement e = ELEMENT.read(json);
                        out.info = e.isJsonObject() ? e.getAsJsonObject() : null;
                    }
                    case "licenses" -> {
                        JsonElement e = ELEMENT.read(json);
                        out.licenses = e.isJsonArray() ? e.getAsJsonArray() : null;
                    }
                    default -> json.skipValue();
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw structure(file, json, "more data follows the top-level object");
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw syntax(file, e);
        }
        if (out.images == null) {
            throw new CocoFormatException("Annotation file " + file + " has no \"images\" list: it is not a COCO "
                    + "instances file (expected an object with \"images\", \"annotations\" and \"categories\").");
        }
        if (out.categories == null) {
            throw new CocoFormatException("Annotation file " + file + " has no \"categories\" list: a COCO instances "
                    + "file needs one (objects with \"id\" and \"name\").");
        }
        if (out.annotations == null) {
            out.annotations = List.of(); // an image-info file (e.g. COCO's test split) has none
        }
        return out;
    }

    /**
     * Streams the elements of a file whose top level is a list (a COCO results file). Read leniently: NaN and
     * infinities (which Python's {@code json} writes) are accepted here and refused by the caller per element.
     *
     * @param file the file
     * @param what what the file is, for messages ("results file")
     * @param sink receives each element, in order
     * @throws CocoFormatException when it is not JSON, is truncated, or its top level is not a list
     */
    static void readList(Path file, String what, Consumer<JsonElement> sink) {
        try (Reader r = open(file); JsonReader json = new JsonReader(r)) {
            json.setStrictness(Strictness.LENIENT); // Python's json writes NaN for a NaN score: validated later
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw structure(file, json, "the " + what + " must be a list of objects, but its top level is "
                        + describe(json.peek()));
            }
            json.beginArray();
            while (json.hasNext()) {
                sink.accept(ELEMENT.read(json));
            }
            json.endArray();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw structure(file, json, "more data follows the top-level list");
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw syntax(file, e);
        }
    }

    private static List<JsonElement> readList(Path file, JsonReader json, String name) throws IOException {
        if (json.peek() != JsonToken.BEGIN_ARRAY) {
            throw structure(file, json, "\"" + name + "\" is " + describe(json.peek()) + ", not a list");
        }
        List<JsonElement> list = new ArrayList<>();
        json.beginArray();
        while (json.hasNext()) {
            list.add(ELEMENT.read(json));
        }
        json.endArray();
        return list;
    }

    private static Reader open(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new HybridVisionException(file + " is a folder: pass the JSON file itself.");
            }
            if (Files.isRegularFile(file) && Files.size(file) == 0) {
                throw new CocoFormatException(file + " is empty (0 bytes): it was not fully written or copied. "
                        + "Generate or fetch it again.");
            }
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new HybridVisionException("File " + file + " does not exist: check the path.", e);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static CocoFormatException structure(Path file, JsonReader json, String problem) {
        return new CocoFormatException(file + " is not a valid COCO file: " + problem + " (" + position(json)
                + ").");
    }

    private static HybridVisionException syntax(Path file, Exception e) {
        if (e instanceof CocoFormatException c) {
            return c;
        }
        if (e.getCause() instanceof CocoFormatException c) {
            return c;
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        // Gson's own advice (a URL, "use setStrictness") is for programmers, not for the person with the file
        int nl = msg.indexOf('\n');
        msg = (nl >= 0 ? msg.substring(0, nl) : msg)
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON")
                .strip();
        if (e instanceof EOFException || msg.contains("End of input")) {
            return new CocoFormatException(file + " ends too early (" + msg + "): the file is truncated, probably an "
                    + "incomplete download or copy. Fetch or generate it again.", e);
        }
        if (e instanceof MalformedJsonException || e instanceof JsonParseException
                || e instanceof IllegalStateException) {
            return new CocoFormatException(file + " is not valid JSON: " + msg + ". The file is damaged or "
                    + "truncated (an incomplete download or copy?), or not a COCO JSON file.", e);
        }
        return new HybridVisionException("Cannot read " + file + ": " + msg, e);
    }

    /** @return "line L column C path P" of the reader's position */
    private static String position(JsonReader json) {
        String s = json.toString(); // "JsonReader at line 1 column 2 path $.x"
        int at = s.indexOf(" at ");
        return at >= 0 ? s.substring(at + 4) : s;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "a list";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "empty";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
