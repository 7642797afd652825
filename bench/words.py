"""Word lists for synthetic gardens: enough variety for prose, titles, folders and tags
that read like a real knowledge garden, with no network and no corpus to download."""

# Short words that glue sentences together; mixed into prose so it reads like English.
FUNCTION = """
the the the the of of of and and and to to a a in in is is that it for as with on
be by this are or from at was an not which but can more when how than into one
its their has have also only so these about most each other many some what between
""".split()

# Content words: nouns, verbs and adjectives from gardening, ecology, learning and software.
CONTENT = """
soil compost mulch root roots leaf leaves seed seeds seedling bloom blossom pollen bee bees
hive honey nectar flower flowers garden gardens meadow hedge orchard forest canopy moss lichen
fungi fungus mycelium spore spores worm worms beetle insect insects bird birds nest water rain
drought frost winter spring summer autumn season seasons sun shade light shadow temperature
moisture humus clay loam sand silt gravel stone rock mineral nitrogen carbon phosphorus
potassium nutrient nutrients microbe microbes bacteria decay growth harvest yield crop crops
rotation cover legume bean beans pea squash tomato potato onion garlic herb herbs mint basil
thyme sage lavender rosemary nettle comfrey clover grass grasses weed weeds prune graft cutting
trellis bed beds path paths border fence gate shed greenhouse cold frame cloche pot pots tray
label notebook journal sketch map maps diagram chart table list index archive library shelf
book books chapter page pages note notes idea ideas thought thoughts question questions answer
answers argument claim evidence source sources reference citation quote summary outline draft
essay review theory model models pattern patterns system systems network networks graph link
links node nodes edge edges cluster structure process method practice habit habits routine
ritual attention memory recall learning reading writing thinking teaching research study
experiment observation measurement sample samples data record records log logs trend trends
signal noise feedback loop loops cycle cycles balance tension change growth slow fast small
large quiet careful patient steady gentle rough dense sparse deep shallow early late fresh
rich poor wild tame open closed living dead hidden visible simple complex subtle obvious
useful practical durable fragile resilient local global personal shared public private
collect gather sort sift compare connect combine separate plant sow water feed tend watch
notice measure test build grow prune cut dig turn spread cover protect shelter heal repair
revisit rewrite rethink question explain describe remember forget follow trace map track
editor file files folder folders markdown text plain format syntax parser render template
layout theme style script function module package library tool tools command server browser
cache index query search filter tag tags version history commit branch merge release
compile build deploy publish static site website feed page layout grid column image images
photo sketch color colors palette contrast typography font spacing margin rhythm scale
neighbour neighbours community village market kitchen table recipe bread cheese apple apples
pear pears plum cherry berry berries grape vine vines walnut chestnut oak birch willow ash
maple pine cedar fern ferns bramble ivy holly hawthorn elder rowan hazel field fields river
stream pond marsh valley hill hills ridge coast island weather storm wind cloud clouds
morning evening night week month year decade afternoon walk walks journey lesson lessons
""".split()

# Folder names: single capitalised words, none that collide with the site's own folders.
FOLDERS = """
Soil Compost Bees Plants Trees Herbs Vegetables Fruit Seeds Seasons Weather Water Fungi
Insects Birds Meadow Orchard Forest Pond Kitchen Recipes Reading Writing Research Projects
Journal Ideas Essays Reviews Books Papers Methods Practice Habits Tools Software Design
Maps Patterns Systems Networks Learning Teaching Community Places Travel Walks People
Archive Drafts Inbox Areas Topics Concepts Questions Experiments Observations Records
Logs History Craft Workshop Shed Greenhouse Beds Borders Paths Hedges Climate Ecology
Biology Chemistry Physics Geology Botany Zoology Mycology Entomology Agriculture Permaculture
Cooking Baking Preserving Brewing Sewing Woodwork Drawing Painting Photography Music Poetry
Philosophy Psychology Economics Politics Language Linguistics Mathematics Statistics Computing
Programming Web Writing Notes Reference Sources Quotes Lessons Courses Talks Podcasts Letters
""".split()

# Top-level tag names; some notes use them nested ("soil/carbon").
TAG_ROOTS = """
soil compost bees plants trees herbs seeds seasons weather water fungi insects birds ecology
reading writing research projects ideas essays books methods habits tools software design
systems learning community kitchen recipes climate botany permaculture craft evergreen
seedling budding draft review question reference howto til observation experiment
""".split()

# Domains for annotated source links.
DOMAINS = """
en.wikipedia.org www.rhs.org.uk extension.umn.edu www.nature.com arxiv.org
github.com developer.mozilla.org docs.python.org www.gutenberg.org archive.org
www.fao.org www.bumblebeeconservation.org plants.usda.gov www.soilassociation.org
blog.example.org notes.example.net www.gardenersworld.com www.youtube.com
""".split()

CALLOUTS = ["note", "tip", "info", "warning", "quote", "example", "question", "abstract", "todo"]
