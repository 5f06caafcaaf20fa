package org.conch.server.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * logback's configuration until a verb chooses its own (and for servers started in process by tests):
 * text lines on stderr at WARN. Found by logback through {@code META-INF/services}, before any
 * {@code logback.xml}, which conch does not use.
 */
public final class StartupConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logs.configure(context, LogFormat.TEXT, LogLevel.WARN, ConsoleTarget.SystemErr.getStream());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
