package dev.beacon.common;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Reads one JSON document from outside (a request body, a Kafka record) under limits: depth,
 * string and document length, numbers of at most {@value Json#MAX_NUMBER_LENGTH} digits, each key
 * once per object. A document it refuses comes back as one reason in Beacon's words, never the
 * parser's: {@code "body: malformed JSON at line 1, column 12"}, {@code "body: JSON nested deeper
 * than 16 levels"}, {@code "events[0].campaignId: duplicate key"}. Thread-safe.
 */
public final class JsonInput {
  private final ObjectMapper mapper;
  /** Made once: it resolves the tree deserializer once, not per document. */
  private final ObjectReader trees;
  private final int maxDepth;
  private final int maxStringLength;
  private final long maxDocumentLength;
  private final boolean oneValue;

  /** {@code oneValue}: content after the first JSON value makes the document malformed. */
  public JsonInput(int maxDepth, int maxStringLength, long maxDocumentLength, boolean oneValue) {
    this(maxDepth, maxStringLength, maxDocumentLength, oneValue, false);
  }

  /**
   * {@code nonFiniteNumbers}: {@code NaN} and {@code Infinity}, as Python's json module writes
   * them, are read as numbers, for the reader to refuse with a reason that names the field.
   */
  public JsonInput(int maxDepth, int maxStringLength, long maxDocumentLength, boolean oneValue, boolean nonFiniteNumbers) {
    this.mapper = Json.mapper(maxDepth, maxStringLength, maxDocumentLength, StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    if (nonFiniteNumbers) mapper.getFactory().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
    this.trees = mapper.readerFor(JsonNode.class);
    this.maxDepth = maxDepth;
    this.maxStringLength = maxStringLength;
    this.maxDocumentLength = maxDocumentLength;
    this.oneValue = oneValue;
  }

  /** Why a document was refused: {@link #reason()} is {@code "field: what is wrong"}. */
  public static final class Unreadable extends Exception {
    public Unreadable(String reason) {
      super(reason, null, false, false);
    }

    public String reason() {
      return getMessage();
    }
  }

  /** The document's tree; null when there is nothing but whitespace. */
  public JsonNode read(byte[] bytes) throws Unreadable {
    try (var parser = mapper.createParser(bytes)) {
      return read(parser, bytes.length);
    } catch (IOException e) {
      throw new Unreadable("body: unreadable");
    }
  }

  public JsonNode read(String text) throws Unreadable {
    try (var parser = mapper.createParser(text)) {
      return read(parser, text.length());
    } catch (IOException e) {
      throw new Unreadable("body: unreadable");
    }
  }

  /** {@code length}: of the input in the parser's unit (bytes or chars), to tell a document that ends early. */
  private JsonNode read(JsonParser parser, long length) throws Unreadable, IOException {
    try {
      JsonNode root = trees.readTree(parser);
      var end = parser.currentLocation();
      if (oneValue && root != null && hasMore(parser)) {
        throw new Unreadable(malformed(end) + ": content after the JSON value");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new Unreadable(beyondLimit(e));
    } catch (JacksonException e) {
      var at = e.getLocation();
      if (e instanceof JsonEOFException || (at != null && Math.max(at.getByteOffset(), at.getCharOffset()) >= length)) {
        throw new Unreadable(malformed(at) + ": the document ends early");
      }
      var message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate field")) {
        throw new Unreadable(path(parser.getParsingContext()) + ": duplicate key (a key may appear once per object)");
      }
      throw new Unreadable(malformed(at));
    }
  }

  /** Whether anything but whitespace follows: a token, or text that is not one. */
  private static boolean hasMore(JsonParser parser) throws IOException {
    try {
      return parser.nextToken() != null;
    } catch (JacksonException e) {
      return true;
    }
  }

  /** The parser names the limit only by its own getter; say which of ours it was. */
  private String beyondLimit(StreamConstraintsException e) {
    var message = String.valueOf(e.getOriginalMessage());
    if (message.contains("NestingDepth")) return "body: JSON nested deeper than " + maxDepth + " levels";
    if (message.contains("StringLength")) return "body: a JSON string longer than " + maxStringLength + " characters";
    if (message.contains("NumberLength")) return "body: a JSON number longer than " + Json.MAX_NUMBER_LENGTH + " digits";
    if (message.contains("DocumentLength")) return "body: JSON longer than " + maxDocumentLength + " bytes";
    if (message.contains("NameLength")) return "body: a JSON key too long";
    return "body: JSON beyond the limits of what Beacon reads";
  }

  private static String malformed(JsonLocation at) {
    if (at == null || at.getLineNr() < 1) return "body: malformed JSON";
    return "body: malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /** Where a key sits, as the reasons name fields: {@code events[0].metadata.userId}. */
  private static String path(JsonStreamContext context) {
    var parts = new ArrayDeque<String>();
    for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      else if (c.getCurrentName() != null) parts.push((c.getParent() != null && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
    }
    var path = String.join("", parts);
    return path.isEmpty() ? "body" : path;
  }
}
