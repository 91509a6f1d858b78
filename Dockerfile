# The Hilo Rojo web UI, for docker-compose.yml (Neo4j runs in its own container).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    HILOROJO_HOME=/data/hilorojo
# The app runs as this user; its home holds the caches of Streamlit and matplotlib.
RUN useradd --create-home --shell /usr/sbin/nologin hilorojo \
    && install -d -o hilorojo -g hilorojo -m 0700 /data/hilorojo
WORKDIR /app
# The whole source tree, so that every package pyproject.toml names is installed; .dockerignore keeps
# out what is not needed to run (tests, benchmarks, docs, local data, caches) and every secret.
COPY . .
RUN pip install --no-cache-dir .
USER hilorojo
# docker-compose.yml mounts a named volume here: a new volume takes this folder's owner and mode.
VOLUME ["/data/hilorojo"]
EXPOSE 8501
CMD ["hilorojo", "ui", "--port", "8501", "--address", "0.0.0.0"]
