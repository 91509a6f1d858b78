# The Hilo Rojo web UI, for docker-compose.yml (Neo4j runs in its own container).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY graph graph
COPY loaders loaders
COPY analytics analytics
COPY ui ui
COPY cypher cypher
RUN pip install --no-cache-dir .
EXPOSE 8501
CMD ["hilorojo", "ui", "--port", "8501", "--address", "0.0.0.0"]
