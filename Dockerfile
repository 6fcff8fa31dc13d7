# planbot on Telegram (long polling). Build: docker build -t planbot .
# Run:   docker run -e BOT_TOKEN=... -e ADMIN_IDS=... -v planbot-data:/data planbot
FROM python:3.11-slim

# pip installs the package into site-packages, away from snippets/ and prompts/: say where they are.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PLANBOT_DATA_DIR=/data \
    PLANBOT_SNIPPETS_DIR=/app/snippets \
    PLANBOT_PROMPTS_DIR=/app/prompts

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY snippets ./snippets
COPY prompts ./prompts
RUN python -m pip install --no-cache-dir .

RUN useradd --create-home --uid 10001 planbot \
    && mkdir -p /data && chown planbot:planbot /data
USER planbot
VOLUME ["/data"]

CMD ["planbot", "telegram"]
