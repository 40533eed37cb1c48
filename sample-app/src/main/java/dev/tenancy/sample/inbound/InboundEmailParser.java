package dev.tenancy.sample.inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.sample.helpdesk.TicketMessage.Attachment;

/**
 * Reads a webhook body in the shape of SendGrid's Inbound Parse (the field names and
 * meanings of its multipart POST), as {@code multipart/form-data} or as the same fields
 * in a JSON object:
 * <ul>
 * <li>{@code envelope}: JSON {@code {"to":["support@acme-travel.example"],"from":"..."}},
 * the SMTP envelope; {@code to} routes the message (required);</li>
 * <li>{@code from}, {@code to}, {@code cc}, {@code subject}, {@code text}, {@code html}:
 * the message's headers and bodies as text;</li>
 * <li>{@code headers}: the raw header block, where {@code Message-ID} and
 * {@code In-Reply-To} are read from;</li>
 * <li>attachments, metadata only: multipart file parts ({@code attachment1} ...) give
 * their file name, content type and size, their bytes are dropped; in JSON an
 * {@code attachments} array of {@code {"filename","contentType","size"}}.</li>
 * </ul>
 * Strings lose NUL characters (PostgreSQL text cannot hold them); anything malformed is
 * an {@link IllegalArgumentException}, answered 400.
 */
final class InboundEmailParser {

	static final int MAX_ATTACHMENTS = 100;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final int maxRecipients;

	InboundEmailParser(int maxRecipients) {
		this.maxRecipients = maxRecipients;
	}

	InboundEmail json(byte[] body) {
		JsonNode root;
		try {
			root = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("not JSON");
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("not a JSON object");
		}
		JsonNode envelope = root.path("envelope");
		if (envelope.isString()) {
			envelope = envelope(envelope.asString());
		}
		List<Attachment> attachments = new ArrayList<>();
		JsonNode listed = root.path("attachments");
		if (!listed.isMissingNode() && !listed.isNull()) {
			if (!listed.isArray() || listed.size() > MAX_ATTACHMENTS) {
				throw new IllegalArgumentException("attachments");
			}
			for (JsonNode attachment : listed) {
				attachments.add(attachment(text(attachment, "filename"), text(attachment, "contentType"),
						attachment.path("size").canConvertToLong() ? attachment.path("size").asLong() : -1));
			}
		}
		return email(recipients(envelope), text(root, "from"), text(root, "to"), text(root, "cc"),
				text(root, "subject"), text(root, "text"), text(root, "html"), text(root, "headers"), attachments);
	}

	InboundEmail multipart(byte[] body, String boundary) {
		Map<String, String> fields = new LinkedHashMap<>();
		List<Attachment> attachments = new ArrayList<>();
		for (MultipartForm.Part part : MultipartForm.parse(body, boundary)) {
			if (part.filename() != null) {
				if (attachments.size() == MAX_ATTACHMENTS) {
					throw new IllegalArgumentException("attachments");
				}
				attachments.add(attachment(part.filename(), part.contentType(), part.content().length));
			}
			else if (fields.putIfAbsent(part.name(), clean(part.text())) != null) {
				throw new IllegalArgumentException("repeated field");
			}
		}
		String envelope = fields.get("envelope");
		if (envelope == null) {
			throw new IllegalArgumentException("no envelope");
		}
		return email(recipients(envelope(envelope)), fields.get("from"), fields.get("to"), fields.get("cc"),
				fields.get("subject"), fields.get("text"), fields.get("html"), fields.get("headers"), attachments);
	}

	private static JsonNode envelope(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("envelope is not JSON");
		}
	}

	private List<String> recipients(JsonNode envelope) {
		JsonNode to = (envelope != null) ? envelope.path("to") : null;
		if (to == null || !to.isArray() || to.isEmpty() || to.size() > this.maxRecipients) {
			throw new IllegalArgumentException("envelope.to");
		}
		List<String> recipients = new ArrayList<>();
		for (JsonNode recipient : to) {
			if (!recipient.isString() || recipient.asString().length() > 320) {
				throw new IllegalArgumentException("envelope.to");
			}
			recipients.add(recipient.asString().trim());
		}
		return recipients;
	}

	private static InboundEmail email(List<String> recipients, String from, String to, String cc, String subject,
			String text, String html, String headers, List<Attachment> attachments) {
		Map<String, String> parsed = headers((headers != null) ? headers : "");
		return new InboundEmail(recipients, clean(from), clean(to), clean(cc), clean(subject), clean(text), clean(html),
				messageId(parsed.get("message-id")), messageId(parsed.get("in-reply-to")), attachments);
	}

	/**
	 * The first value of each header of a raw header block (folded lines unfolded), keyed
	 * by lower-case name.
	 */
	static Map<String, String> headers(String block) {
		Map<String, String> headers = new LinkedHashMap<>();
		String unfolded = block.replace("\r\n", "\n").replaceAll("\n[ \t]+", " ");
		for (String line : unfolded.split("\n")) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
						line.substring(colon + 1).trim());
			}
		}
		return headers;
	}

	/**
	 * A message id as stored: the first {@code <...>} of the header (or the whole value),
	 * printable ASCII without spaces, at most 998 characters; anything else is none.
	 */
	static String messageId(String value) {
		if (value == null) {
			return null;
		}
		String id = value.trim();
		int open = id.indexOf('<');
		int close = id.indexOf('>', open + 1);
		if (open >= 0 && close > open) {
			id = id.substring(open, close + 1);
		}
		if (id.length() < 3 || id.length() > 998 || !id.chars().allMatch((c) -> c > 0x20 && c < 0x7f)) {
			return null;
		}
		return id;
	}

	private static Attachment attachment(String filename, String contentType, long size) {
		return new Attachment(bounded(clean(filename), 255), bounded(clean(contentType), 200), size);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new IllegalArgumentException(field);
		}
		return clean(value.asString());
	}

	private static String bounded(String value, int max) {
		return (value == null || value.length() <= max) ? value : value.substring(0, max);
	}

	static String clean(String value) {
		return (value == null) ? null : value.replace("\0", "");
	}

	static String utf8(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
