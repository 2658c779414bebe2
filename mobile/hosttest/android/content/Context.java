package android.content;

/** The one Android class gobind's go.Seq names; on the host JVM nothing else is needed. */
public class Context {}
