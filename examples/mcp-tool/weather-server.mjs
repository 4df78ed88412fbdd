#!/usr/bin/env node
// A tiny MCP server on stdio for the `uses: mcp-tool` example (manifests/weather.yaml). One tool,
// get_forecast { city, days }: a deterministic forecast (no network) as structuredContent plus a
// text summary; a city it does not know is an error result (isError), which the zero-code agent
// turns into its failure event. Ends when its client closes stdin.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const CITIES = { oslo: 4, lisbon: 19, nairobi: 24, tokyo: 15, 'buenos aires': 17 };
const SKIES = ['sunny', 'cloudy', 'rain', 'showers', 'windy'];

/** The same answer for the same question: a day's weather from the city's base temperature. */
function forecast(city, days) {
  const base = CITIES[city.toLowerCase()];
  let seed = [...city.toLowerCase()].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return Array.from({ length: days }, (_, i) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return {
      day: i + 1,
      sky: SKIES[seed % SKIES.length],
      highC: base + (seed % 6),
      lowC: base - 4 + (seed % 3),
    };
  });
}

const server = new Server(
  { name: 'weather-example', version: '1.0.0' },
  { capabilities: { tools: {} } },
);

server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [
    {
      name: 'get_forecast',
      description: 'Daily forecast for a city (1 to 7 days).',
      inputSchema: {
        type: 'object',
        required: ['city', 'days'],
        properties: {
          city: { type: 'string' },
          days: { type: 'integer', minimum: 1, maximum: 7 },
        },
      },
    },
  ],
}));

server.setRequestHandler(CallToolRequestSchema, (request) => {
  if (request.params.name !== 'get_forecast')
    throw new Error(`unknown tool ${request.params.name}`);
  const { city = '', days = 1 } = request.params.arguments ?? {};
  if (!(String(city).toLowerCase() in CITIES))
    return {
      isError: true,
      content: [
        {
          type: 'text',
          text: `no forecast for '${city}': known cities are ${Object.keys(CITIES).join(', ')}`,
        },
      ],
    };
  const daily = forecast(String(city), Math.min(Math.max(Number(days) || 1, 1), 7));
  const text = daily.map((d) => `day ${d.day}: ${d.sky}, ${d.lowC}-${d.highC} °C`).join('\n');
  return { content: [{ type: 'text', text }], structuredContent: { city, daily } };
});

await server.connect(new StdioServerTransport());
process.stdin.on('end', () => process.exit(0));
