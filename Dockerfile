FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY nlu nlu
COPY flows flows
COPY policies policies
COPY backend backend
RUN pip install --no-cache-dir .
ENV JIUZHU_DATABASE_URL=sqlite:////data/jiuzhu.db
VOLUME ["/data"]
EXPOSE 8000
CMD ["jiuzhu", "serve", "--host", "0.0.0.0", "--port", "8000"]
