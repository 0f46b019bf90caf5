# Misty.Web (HTTP API, SignalR hub, co-hosted silo). Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t misty-web .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Misty.sln .editorconfig ./
COPY src/ src/
# Misty.Client (the demo storefront's client) is generated from the OpenAPI document at build time.
COPY docs/openapi/v1.json docs/openapi/v1.json
RUN dotnet publish src/Misty.Web/Misty.Web.csproj -c Release -o /app --nologo

# Chiseled: no shell, no package manager, non-root (uid 1654) by default.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app ./
USER 1654
ENV MISTY_URLS=http://0.0.0.0:8080 \
    DOTNET_TC_CallCountingDelayMs=0
EXPOSE 8080 9464 11111 30000
ENTRYPOINT ["dotnet", "Misty.Web.dll"]
