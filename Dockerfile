# planbot on Telegram. Build: docker build -t planbot .
# Long polling: docker run -e BOT_TOKEN=... -e ADMIN_IDS=... -v planbot-data:/data planbot
# Webhook:      docker run -e BOT_TOKEN=... -e TELEGRAM_WEBHOOK_URL=https://… -p 8080:8080 \
#                   -v planbot-data:/data planbot planbot webhook
# The wheel carries the clause library and the messages (snippets/, prompts/): the image holds
# the installed package only, no source tree.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY snippets ./snippets
COPY prompts ./prompts
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PLANBOT_DATA_DIR=/data \
    PLANBOT_WEBHOOK_LISTEN=0.0.0.0 \
    PLANBOT_WEBHOOK_PORT=8080

COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/planbot-*.whl && rm -rf /wheels

RUN useradd --create-home --uid 10001 planbot \
    && mkdir -p /data && chown planbot:planbot /data
USER planbot
VOLUME ["/data"]
EXPOSE 8080

CMD ["planbot", "telegram"]
