// Scores a rated file (id, rating, text; tab-separated) with the npm port of VADER, for the reference columns of
// the sentiment benchmark and tests:  npm install vader-sentiment@1.1.3 && node vader-reference.js informal-a.tsv > informal-a.vader.tsv
const vader = require('vader-sentiment');
const fs = require('fs');
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  const fields = line.split('\t');
  if (fields.length < 3) continue;
  const text = fields.slice(2).join('\t');
  console.log(`${fields[0]}\t${vader.SentimentIntensityAnalyzer.polarity_scores(text).compound}`);
}
