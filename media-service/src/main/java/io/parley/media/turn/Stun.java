package io.parley.media.turn;

/** Wire constants of STUN (RFC 8489) and TURN (RFC 8656): methods, classes, attribute types and error codes. */
public final class Stun {
    private Stun() {
    }

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    public static final int FINGERPRINT_XOR = 0x5354554E;

    // Methods
    public static final int BINDING = 0x001;
    public static final int ALLOCATE = 0x003;
    public static final int REFRESH = 0x004;
    public static final int SEND = 0x006;
    public static final int DATA = 0x007;
    public static final int CREATE_PERMISSION = 0x008;
    public static final int CHANNEL_BIND = 0x009;

    // Classes
    public static final int CLASS_REQUEST = 0x000;
    public static final int CLASS_INDICATION = 0x010;
    public static final int CLASS_SUCCESS = 0x100;
    public static final int CLASS_ERROR = 0x110;

    // Attributes
    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_USERNAME = 0x0006;
    public static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    public static final int ATTR_ERROR_CODE = 0x0009;
    public static final int ATTR_UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int ATTR_CHANNEL_NUMBER = 0x000C;
    public static final int ATTR_LIFETIME = 0x000D;
    public static final int ATTR_XOR_PEER_ADDRESS = 0x0012;
    public static final int ATTR_DATA = 0x0013;
    public static final int ATTR_REALM = 0x0014;
    public static final int ATTR_NONCE = 0x0015;
    public static final int ATTR_XOR_RELAYED_ADDRESS = 0x0016;
    public static final int ATTR_REQUESTED_ADDRESS_FAMILY = 0x0017;
    public static final int ATTR_EVEN_PORT = 0x0018;
    public static final int ATTR_REQUESTED_TRANSPORT = 0x0019;
    public static final int ATTR_DONT_FRAGMENT = 0x001A;
    public static final int ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int ATTR_USERHASH = 0x001E;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_RESERVATION_TOKEN = 0x0022;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;

    // Error codes
    public static final int ERR_BAD_REQUEST = 400;
    public static final int ERR_UNAUTHORIZED = 401;
    public static final int ERR_FORBIDDEN = 403;
    public static final int ERR_UNKNOWN_ATTRIBUTE = 420;
    public static final int ERR_ALLOCATION_MISMATCH = 437;
    public static final int ERR_STALE_NONCE = 438;
    public static final int ERR_ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    public static final int ERR_WRONG_CREDENTIALS = 441;
    public static final int ERR_UNSUPPORTED_TRANSPORT = 442;
    public static final int ERR_PEER_ADDRESS_FAMILY_MISMATCH = 443;
    public static final int ERR_ALLOCATION_QUOTA = 486;
    public static final int ERR_SERVER_ERROR = 500;
    public static final int ERR_INSUFFICIENT_CAPACITY = 508;

    public static final int TRANSPORT_UDP = 17;
    public static final int CHANNEL_MIN = 0x4000;
    public static final int CHANNEL_MAX = 0x4FFF;

    /** Combines a 12-bit method and a class into the interleaved 14-bit message type of RFC 8489 section 5. */
    public static int messageType(int method, int messageClass) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | messageClass;
    }

    public static int method(int messageType) {
        return (messageType & 0x000F) | ((messageType & 0x00E0) >> 1) | ((messageType & 0x3E00) >> 2);
    }

    public static int messageClass(int messageType) {
        return messageType & 0x0110;
    }

    public static String reason(int code) {
        return switch (code) {
            case ERR_BAD_REQUEST -> "Bad Request";
            case ERR_UNAUTHORIZED -> "Unauthorized";
            case ERR_FORBIDDEN -> "Forbidden";
            case ERR_UNKNOWN_ATTRIBUTE -> "Unknown Attribute";
            case ERR_ALLOCATION_MISMATCH -> "Allocation Mismatch";
            case ERR_STALE_NONCE -> "Stale Nonce";
            case ERR_ADDRESS_FAMILY_NOT_SUPPORTED -> "Address Family not Supported";
            case ERR_WRONG_CREDENTIALS -> "Wrong Credentials";
            case ERR_UNSUPPORTED_TRANSPORT -> "Unsupported Transport Protocol";
            case ERR_PEER_ADDRESS_FAMILY_MISMATCH -> "Peer Address Family Mismatch";
            case ERR_ALLOCATION_QUOTA -> "Allocation Quota Reached";
            case ERR_INSUFFICIENT_CAPACITY -> "Insufficient Capacity";
            default -> "Server Error";
        };
    }
}
