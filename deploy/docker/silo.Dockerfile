# Misty.Silo (headless silo and the maintenance verbs: migrate, seed, ...). Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t misty-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Misty.sln .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Misty.Silo/Misty.Silo.csproj -c Release -o /app --nologo

# The grains use ASP.NET Core's shared framework (Data Protection, the password hasher), so the aspnet runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app ./
USER 1654
ENV DOTNET_TC_CallCountingDelayMs=0
EXPOSE 11111 30000
ENTRYPOINT ["dotnet", "Misty.Silo.dll"]
